package io.redmutex.cli;

import io.redmutex.Lease;
import io.redmutex.LockException;
import io.redmutex.LockLostException;
import io.redmutex.LockTimeoutException;
import io.redmutex.RedMutex;
import io.redmutex.RedisUnavailableException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code redmutex run}: flock(1) across machines. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    header = "Run a command while holding a lock: flock(1) across machines.",
    customSynopsis = {
      "redmutex run [--wait DURATION] [--lease DURATION] [-E CODE] [--grace DURATION]",
      "             [--permits N | --read | --write] NAME [--] COMMAND [ARGS...]"
    },
    description = {
      "Takes lock NAME (waiting up to --wait), runs COMMAND with REDMUTEX_LOCK=NAME and"
          + " REDMUTEX_FENCE=<fencing token> in its environment, keeps the lease renewed while it"
          + " runs, releases the lock when it exits, and exits with its exit status.",
      "",
      "If the lock stays busy for the whole --wait, exits with the conflict code (1, or -E)"
          + " and one line naming the holder. If the lease is lost while COMMAND runs (its key"
          + " expired, was deleted or taken over), sends SIGTERM to COMMAND and its descendants,"
          + " SIGKILL after --grace, and exits 4. SIGTERM/SIGHUP to redmutex do the same"
          + " to COMMAND, then release the lock. SIGINT (Ctrl-C) is COMMAND's, as with flock:"
          + " it reaches COMMAND, and redmutex holds the lock until COMMAND exits. Options go"
          + " before NAME; everything after NAME (after an optional --) is the command.",
      "",
      "Pass REDMUTEX_FENCE to whatever you write, and have it reject tokens older than the last"
          + " it accepted: a lease is bounded in time, and a paused machine can outlive it.",
      ""
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  redmutex run nightly -- ./nightly.sh --full",
      "  redmutex run --wait 0s backup -- pg_dump -f db.sql   # skip if running",
      "  redmutex run --wait 5m -E 75 --lease 1m deploy -- ./deploy.sh",
      "  redmutex run jobs:42 -- sh -c 'echo \"fenced write\" $REDMUTEX_FENCE'",
      "  redmutex run --permits 3 nightly-report -- ./report.sh   # at most 3 at once",
      "  redmutex run --read config -- ./render.sh"
    })
final class RunCommand implements Callable<Integer> {
  private static final int MAX_EXIT_CODE = 255;

  /** The client name of {@code run}'s connections: holders show as {@code redmutex-run on ...}. */
  static final String CLIENT_NAME = "redmutex-run";

  @ParentCommand private RedmutexCommand root;
  @Spec private CommandSpec spec;

  @Option(
      names = {"-w", "--wait"},
      paramLabel = "DURATION",
      defaultValue = WaitConverter.FOREVER,
      converter = WaitConverter.class,
      description =
          "How long to wait for the lock: 0s = don't wait (like flock -n), or 'forever'."
              + " Default: ${DEFAULT-VALUE}.")
  private Duration wait;

  @Option(
      names = {"-l", "--lease"},
      paramLabel = "DURATION",
      defaultValue = "30s",
      converter = DurationConverter.class,
      description =
          "Lease time: renewed every third of it while COMMAND runs; if redmutex is killed, the"
              + " lock frees itself after at most this. Default: ${DEFAULT-VALUE}.")
  private Duration lease;

  @Option(
      names = {"-E", "--conflict-exit-code"},
      paramLabel = "CODE",
      defaultValue = "1",
      description =
          "Exit status when the lock stays busy for the whole --wait (0-255), like flock -E."
              + " Default: ${DEFAULT-VALUE}.")
  private int conflictExitCode;

  @Option(
      names = "--grace",
      paramLabel = "DURATION",
      defaultValue = "10s",
      converter = DurationConverter.class,
      description =
          "Time COMMAND has to exit after SIGTERM before it gets SIGKILL. Default: ${DEFAULT-VALUE}.")
  private Duration grace;

  @ArgGroup(exclusive = true, multiplicity = "0..1")
  private PermitsOption primitive; // null: a lock

  @Parameters(index = "0", paramLabel = "NAME", description = "The lock name.")
  private String name;

  @Parameters(
      index = "1..*",
      paramLabel = "COMMAND",
      description = "The command to run while holding the lock, and its arguments.")
  private List<String> command;

  @Override
  public Integer call() {
    List<String> words = commandWords();
    if (conflictExitCode < 0 || conflictExitCode > MAX_EXIT_CODE) {
      throw new ParameterException(
          spec.commandLine(), "--conflict-exit-code must be 0..255, was " + conflictExitCode);
    }
    if (primitive != null && primitive.permits != null && primitive.permits < 1) {
      throw new ParameterException(
          spec.commandLine(),
          "--permits must be between 1 and " + RedMutex.MAX_PERMITS + ", was " + primitive.permits);
    }
    root.checkName(spec.commandLine(), name);
    if (lease.compareTo(RedMutex.MIN_LEASE_TIME) < 0) {
      throw new ParameterException(
          spec.commandLine(),
          "--lease must be at least "
              + HumanDurations.format(RedMutex.MIN_LEASE_TIME)
              + ", was "
              + HumanDurations.format(lease));
    }
    if (lease.compareTo(RedMutex.MAX_LEASE_TIME) > 0) {
      throw new ParameterException(
          spec.commandLine(),
          "--lease must be at most "
              + RedMutex.MAX_LEASE_TIME.toDays()
              + "d, was "
              + HumanDurations.format(lease));
    }
    RedisTarget target = root.target();
    PrintStream err = System.err;
    RedMutex mutex = root.connect(target, CLIENT_NAME, lease);
    ShutdownGuard guard = ShutdownGuard.install(mutex, name, grace);
    try {
      LockWaiter waiter = new LockWaiter(mutex, name, LiveLine.onTerminal(), err);
      Lease held;
      try {
        held = primitive == null ? waiter.acquire(wait) : primitive.acquire(mutex, name, wait);
      } catch (LockTimeoutException busy) {
        Duration waited = wait == null ? Duration.ZERO : wait;
        err.println(
            "redmutex: "
                + (primitive == null
                    ? waiter.busyMessage(waited)
                    : primitive.busyMessage(mutex, name, waited)));
        return conflictExitCode;
      } catch (LockException e) {
        if (guard.signalled()) {
          return ExitCodes.FAILURE; // the JVM is exiting with 128 + signal anyway
        }
        throw e;
      }
      return runHolding(held, words, guard, err);
    } finally {
      guard.disarm();
      guard.closeClient();
    }
  }

  private int runHolding(Lease held, List<String> words, ShutdownGuard guard, PrintStream err) {
    ChildProcess child;
    try {
      child =
          ChildProcess.start(
              words,
              Map.of("REDMUTEX_LOCK", name, "REDMUTEX_FENCE", Long.toString(held.fencingToken())));
    } catch (ChildProcess.CannotStart e) {
      err.println("redmutex: " + e.getMessage());
      releaseQuietly(held);
      return e.exitStatus();
    }
    guard.watch(child);
    AtomicBoolean lost = new AtomicBoolean();
    held.onLost(
        () -> {
          lost.set(true);
          child.terminateInBackground(grace);
        });
    int status = child.waitFor();
    if (guard.signalled()) {
      return status; // the shutdown hook stops and releases; the JVM exits with 128 + signal
    }
    if (lost.get()) {
      child.terminate(grace); // returns once the termination begun by the callback is done
      err.println(
          "redmutex: lost lock '"
              + name
              + "' (fencing token "
              + held.fencingToken()
              + ") while the command ran: its key expired, was deleted or was taken over;"
              + (child.signalsSent().isEmpty()
                  ? " the command had already exited with " + status
                  : " sent " + child.signalsSent() + " to the command (pid " + child.pid() + ")"));
      releaseQuietly(held);
      return ExitCodes.LEASE_LOST;
    }
    try {
      held.release();
    } catch (LockLostException e) {
      err.println(
          "redmutex: lock '"
              + name
              + "' (fencing token "
              + held.fencingToken()
              + ") was lost before the command finished: another holder may have run alongside"
              + " it; the command exited with "
              + status);
      return ExitCodes.LEASE_LOST;
    } catch (RedisUnavailableException e) {
      err.println(
          "redmutex: warning: could not confirm the release of lock '"
              + name
              + "' ("
              + root.scrub(e.getMessage())
              + "); it frees itself within "
              + HumanDurations.format(lease));
    }
    return status;
  }

  private static void releaseQuietly(Lease held) {
    try {
      held.release();
    } catch (LockException e) {
      // already reported, or the key expires on its own within the lease time
    }
  }

  /** The command after NAME, without a leading {@code --}; options there are a usage error. */
  private List<String> commandWords() {
    List<String> words = command == null ? List.of() : command;
    if (!words.isEmpty() && words.get(0).equals("--")) {
      words = words.subList(1, words.size());
    }
    if (words.isEmpty()) {
      throw new ParameterException(
          spec.commandLine(), "missing COMMAND: redmutex run [OPTIONS] NAME -- COMMAND [ARGS...]");
    }
    if (command.get(0).startsWith("-") && !command.get(0).equals("--")) {
      throw new ParameterException(
          spec.commandLine(),
          "'"
              + command.get(0)
              + "' after NAME: options go before NAME; the command goes after NAME (and --)");
    }
    return words;
  }
}
