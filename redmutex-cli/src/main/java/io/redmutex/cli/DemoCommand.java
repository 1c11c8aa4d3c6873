package io.redmutex.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code redmutex demo}: see it work, with nothing to set up. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    header = "See redmutex work: workers, fenced account balances, a throwaway Redis.",
    description = {
      "Without --redis, starts a throwaway redis-server (from $REDIS_SERVER, the PATH, or the"
          + " Linux binary inside the embedded-redis jar) and stops it at the end. Then worker"
          + " threads, each with its own RedMutex client, contend for a few locks while they"
          + " update account balances that refuse stale fencing tokens. Shows progress at a"
          + " terminal and ends with a table: acquisitions, waits p50/p99, fencing rejections,"
          + " and the final balance against the expected one.",
      "",
      "--unsafe runs the plain pattern (SET NX PX to take, DEL to give back) next to redmutex, each with one worker frozen"
          + " (SIGSTOP) past its 1s lease: the plain pattern loses updates, redmutex refuses the stale"
          + " write by its fencing token.",
      "",
      "$REDMUTEX_URI is ignored here: the demo uses another Redis only when --redis says so."
          + " There it writes only keys under redmutex-demo:<random>: and deletes them at the end.",
      ""
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  redmutex demo",
      "  redmutex demo --unsafe",
      "  redmutex demo --workers 8 --accounts 2 --duration 20s",
      "  redmutex demo --redis redis://localhost:6379"
    })
final class DemoCommand implements Callable<Integer> {
  @ParentCommand private RedmutexCommand root;
  @Spec private CommandSpec spec;

  @Option(
      names = "--duration",
      paramLabel = "DURATION",
      defaultValue = "10s",
      converter = DurationConverter.class,
      description = "How long the workers run (1s to 5m). Default: ${DEFAULT-VALUE}.")
  private Duration duration;

  @Option(
      names = "--workers",
      paramLabel = "N",
      defaultValue = "4",
      description = "Worker threads (per team with --unsafe), 1 to 32. Default: ${DEFAULT-VALUE}.")
  private int workers;

  @Option(
      names = "--accounts",
      paramLabel = "N",
      defaultValue = "3",
      description =
          "Accounts, one lock each, 1 to 10 (--unsafe uses one per team)."
              + " Default: ${DEFAULT-VALUE}.")
  private int accounts;

  @Option(names = "--unsafe", description = "Compare with plain SET NX PX + DEL (see above).")
  private boolean unsafe;

  @Override
  public Integer call() throws InterruptedException {
    check(
        !duration.minusSeconds(1).isNegative() && duration.compareTo(Duration.ofMinutes(5)) <= 0,
        "--duration must be between 1s and 5m, was " + HumanDurations.format(duration));
    check(workers >= 1 && workers <= 32, "--workers must be 1 to 32, was " + workers);
    check(accounts >= 1 && accounts <= 10, "--accounts must be 1 to 10, was " + accounts);
    PrintStream out = System.out;
    try (DemoRedis redis =
        root.explicitRedis() == null ? DemoRedis.throwaway(root) : DemoRedis.given(root)) {
      out.println("redmutex demo on " + redis.description());
      out.println();
      return unsafe
          ? new UnsafeDemo(root, redis, workers, duration, out).run()
          : new SafeDemo(root, redis, workers, accounts, duration, out).run();
    }
  }

  private void check(boolean ok, String message) {
    if (!ok) {
      throw new ParameterException(spec.commandLine(), message);
    }
  }
}
