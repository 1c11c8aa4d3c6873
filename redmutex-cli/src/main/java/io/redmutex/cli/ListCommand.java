package io.redmutex.cli;

import io.redmutex.LockInfo;
import io.redmutex.RedMutex;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code redmutex list [PATTERN]}: the locks whose names match, found with SCAN. */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    header = "List locks matching a pattern (SCAN, never KEYS).",
    description = {
      "Lists locks whose names match PATTERN (Redis glob: * ? [abc]), found with SCAN, never"
          + " KEYS, so it is safe on a busy production Redis. Any string key that matches is"
          + " shown, sorted by name; a key redmutex did not write (a lock of another library, or"
          + " any other string) is marked 'other key', holder '(not redmutex)'.",
      ""
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  redmutex list",
      "  redmutex list 'orders:*' --json",
      "",
      "JSON: {locks: [as for status], truncated, limit}."
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
          "Show at most N matching keys; if more match, say so (stderr, and \"truncated\" in"
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
      // One more than the limit: whether more keys match than are shown.
      List<LockInfo> found = new ArrayList<>(mutex.list(pattern, limit + 1));
      boolean truncated = found.size() > limit;
      List<LockInfo> locks =
          found.stream().sorted(Comparator.comparing(LockInfo::name)).limit(limit).toList();
      if (json) {
        System.out.println(LockReport.listJson(locks, truncated, limit));
      } else if (locks.isEmpty()) {
        System.out.println("no locks match '" + pattern + "'");
      } else {
        System.out.print(LockReport.table(locks));
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
