package io.redmutex.cli;

import io.redmutex.LockInfo;
import io.redmutex.RedMutex;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code redmutex status NAME...}: what Redis says about some locks, right now. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    header = "Show locks: held or free, TTL, fencing token, holder, waiters.",
    description = {
      "Shows each lock: held or free, the TTL left, the last fencing token issued, who holds it"
          + " (redmutex holders only: client name, host, pid) and since when (Redis server"
          + " time), and how many clients wait for it. Read-only.",
      ""
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  redmutex status nightly",
      "  redmutex status nightly backup --json",
      "",
      "JSON: an array of {name, key, held, ttlMillis, fencingToken, holder, since, waiting};"
          + " ttlMillis, holder and since are null when unknown.",
      "",
      "The exit status is 0 whether a lock is held or free: a script reads \"held\" from --json."
    })
final class StatusCommand implements Callable<Integer> {
  @ParentCommand private RedmutexCommand root;
  @Spec private CommandSpec spec;

  @Option(names = "--json", description = "Print JSON instead of a table.")
  private boolean json;

  @Parameters(paramLabel = "NAME", arity = "1..*", description = "Lock names.")
  private List<String> names;

  @Override
  public Integer call() {
    names.forEach(name -> root.checkName(spec.commandLine(), name));
    try (RedMutex mutex = root.connect(root.target(), "redmutex-cli", null)) {
      List<LockInfo> locks = names.stream().map(mutex::inspect).toList();
      System.out.print(json ? LockReport.json(locks) + "\n" : LockReport.table(locks));
      return ExitCodes.OK;
    }
  }
}
