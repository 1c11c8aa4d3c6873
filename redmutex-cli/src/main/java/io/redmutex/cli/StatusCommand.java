package io.redmutex.cli;

import io.redmutex.LockInfo;
import io.redmutex.PermitsInfo;
import io.redmutex.RedMutex;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
      "",
      "A semaphore or read-write lock of the same name (held, waited for, or used within the"
          + " hour) follows in a second table: each holder with its TTL, permits, waiters.",
      ""
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  redmutex status nightly",
      "  redmutex status nightly backup --json",
      "",
      "JSON: an array of {name, key, held, ttlMillis, fencingToken, holder, since, waiting};"
          + " ttlMillis, holder and since are null when unknown. A semaphore or read-write lock"
          + " of the same name adds {name, kind, permits, holderCount, holders: [{holder, writer,"
          + " ttlMillis}], fencingToken, waiting, writerWaiting}.",
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
      List<PermitsInfo> others = PermitsOption.inspect(mutex, names);
      if (json) {
        List<Map<String, Object>> all = new ArrayList<>();
        locks.forEach(l -> all.add(LockReport.fields(l)));
        others.forEach(p -> all.add(PermitsOption.fields(p)));
        System.out.println(Json.array(all));
      } else {
        System.out.print(LockReport.table(locks));
        if (!others.isEmpty()) {
          System.out.print("\n" + PermitsOption.table(others));
        }
      }
      return ExitCodes.OK;
    }
  }
}
