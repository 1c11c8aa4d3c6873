package io.redmutex.cli;

import io.redmutex.LockInfo;
import io.redmutex.RedMutex;
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
          + " shown, including locks written by other libraries (holder '(not redmutex)').",
      ""
    },
    footerHeading = "%nExamples:%n",
    footer = {"  redmutex list", "  redmutex list 'orders:*' --json", "", "JSON: as for status."})
final class ListCommand implements Callable<Integer> {
  @ParentCommand private RedmutexCommand root;
  @Spec private CommandSpec spec;

  @Option(names = "--json", description = "Print JSON instead of a table.")
  private boolean json;

  @Option(
      names = "--limit",
      paramLabel = "N",
      defaultValue = "1000",
      description = "Stop after N keys scanned. Default: ${DEFAULT-VALUE}.")
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
      List<LockInfo> locks = mutex.list(pattern, limit);
      if (json) {
        System.out.println(LockReport.json(locks));
      } else if (locks.isEmpty()) {
        System.out.println("no locks match '" + pattern + "'");
      } else {
        System.out.print(LockReport.table(locks));
      }
      return ExitCodes.OK;
    }
  }
}
