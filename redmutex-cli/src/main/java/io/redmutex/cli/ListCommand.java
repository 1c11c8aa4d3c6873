package io.redmutex.cli;

import io.redmutex.RedMutex;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code redmutex list [PATTERN]}: the locks, semaphores and read-write locks whose names match,
 * found with SCAN.
 */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    header = "List locks, semaphores and read-write locks matching a pattern (SCAN, never KEYS).",
    description = {
      "Lists the locks, semaphores and read-write locks whose names match PATTERN (Redis glob:"
          + " * ? [abc]), found with SCAN, never KEYS, so it is safe on a busy production Redis;"
          + " one table sorted by name, KIND saying which. Any string key that matches is shown as"
          + " a lock; a key redmutex did not write (a lock of another library, or any other"
          + " string) is marked 'other key', holder '(not redmutex)'. A semaphore or read-write"
          + " lock is shown while held, waited for, or used within the hour: how many hold it (of"
          + " how many permits), the TTL of the holder whose lease ends first, the first holder"
          + " (status NAME shows them all), and how many clients wait.",
      ""
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  redmutex list",
      "  redmutex list 'orders:*' --json",
      "",
      "JSON: {locks: [as for status, plus redmutex], semaphores: [as for status, plus"
          + " ttlMillis], readWriteLocks: [the same], truncated, limit}."
    })
final class ListCommand implements Callable<Integer> {
  @ParentCommand private RedmutexCommand root;
  @Spec private CommandSpec spec;

  @Option(names = "--json", description = "Print JSON instead of a table.")
  private boolean json;

  @Option(
      names = "--limit",
      paramLabel = "N",
      defaultValue = "1000",
      description =
          "Show at most N (of all kinds together); if more match, say so (stderr, and \"truncated\" in"
              + " --json). Default: ${DEFAULT-VALUE}.")
  private int limit;

  @Parameters(
      paramLabel = "PATTERN",
      arity = "0..1",
      defaultValue = "*",
      description = "Which names. Default: ${DEFAULT-VALUE} (all).")
  private String pattern;

  @Override
  public Integer call() {
    if (limit < 1) {
      throw new ParameterException(spec.commandLine(), "--limit must be positive, was " + limit);
    }
    try (RedMutex mutex = root.connect(root.target(), "redmutex-cli", null)) {
      // One more than the limit of each kind: whether more match than are shown.
      int ask = limit == Integer.MAX_VALUE ? limit : limit + 1;
      ListReport report =
          ListReport.of(
              mutex.list(pattern, ask),
              mutex.listSemaphores(pattern, ask),
              mutex.listReadWriteLocks(pattern, ask),
              limit);
      boolean truncated = report.truncated();
      if (json) {
        System.out.println(report.json());
      } else if (report.isEmpty()) {
        System.out.println("no locks match '" + pattern + "'");
      } else {
        System.out.print(report.table());
      }
      if (truncated) {
        System.out.flush();
        System.err.println(
            "redmutex: stopped at --limit "
                + limit
                + ": more keys match '"
                + pattern
                + "' than shown (those shown are the first found, sorted); raise --limit or narrow"
                + " the pattern");
      }
      return ExitCodes.OK;
    }
  }
}
