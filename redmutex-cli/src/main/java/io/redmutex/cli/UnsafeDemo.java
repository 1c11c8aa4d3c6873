package io.redmutex.cli;

import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code redmutex demo --unsafe}: the seed's {@code SET NX} + {@code DEL} and redmutex do the same
 * deposits side by side, each with one worker frozen past its lease (see {@link SlowWorker}). The
 * seed loses updates; redmutex's fencing token refuses the stale write, and nothing is lost.
 */
final class UnsafeDemo {
  private static final Duration LEASE = Duration.ofSeconds(1);
  private static final long SLOW_WORKER_TIMEOUT_SECONDS = 60;

  private final RedmutexCommand root;
  private final DemoRedis redis;
  private final int workerCount;
  private final Duration duration;
  private final PrintStream out;

  /** One team: its account, its stats, its slow worker's fate. */
  private record Side(
      DemoWorker.Protocol protocol,
      String title,
      DemoAccount account,
      DemoStats stats,
      CompletableFuture<SlowWorker.Outcome> slow) {}

  UnsafeDemo(
      RedmutexCommand root, DemoRedis redis, int workerCount, Duration duration, PrintStream out) {
    this.root = root;
    this.redis = redis;
    this.workerCount = workerCount;
    this.duration = duration;
    this.out = out;
  }

  int run() throws InterruptedException {
    out.printf(
        "Two teams make the same deposits side by side for at least %s, each on its own account,"
            + " with %s leases:%n"
            + "  SET NX + DEL (the seed):  SET lock token NX PX %d, read, write balance + %d,"
            + " DEL lock%n"
            + "  redmutex:                 acquire, read and write balance + %d with the fencing"
            + " token, release%n"
            + "Each team has %d worker threads and one slow worker: a JVM of its own that the demo"
            + " freezes (SIGSTOP,%n"
            + "like a long GC pause) right after it has read the balance, until its lease has"
            + " expired and another%n"
            + "worker has written; then it wakes up and writes the balance it had computed.%n%n",
        HumanDurations.format(duration),
        HumanDurations.format(LEASE),
        LEASE.toMillis(),
        DemoWorker.AMOUNT,
        DemoWorker.AMOUNT,
        workerCount);
    out.flush();
    Side seed = side(DemoWorker.Protocol.SEED, "SET NX + DEL (seed)", "seed");
    Side safe = side(DemoWorker.Protocol.REDMUTEX, "redmutex", "redmutex");
    long start = System.nanoTime();
    List<SlowWorker> slowWorkers = new ArrayList<>();
    try (DemoWorkers seedTeam = team(seed);
        DemoWorkers safeTeam = team(safe);
        DemoProgress progress = DemoProgress.start(() -> progressLine(seed, safe, start))) {
      play(seed, slowWorkers);
      play(safe, slowWorkers);
      long left = duration.toNanos() - (System.nanoTime() - start);
      if (left > 0) {
        TimeUnit.NANOSECONDS.sleep(left); // the demo's running time
      }
      awaitSlow(seed);
      awaitSlow(safe);
    } finally {
      slowWorkers.forEach(SlowWorker::close);
    }
    return report(seed, safe);
  }

  private Side side(DemoWorker.Protocol protocol, String title, String name) {
    String lock = redis.key(name + ":account");
    return new Side(
        protocol,
        title,
        new DemoAccount(name, lock, lock + ":balance"),
        new DemoStats(),
        new CompletableFuture<>());
  }

  private DemoWorkers team(Side side) {
    return DemoWorkers.start(
        side.protocol(),
        workerCount,
        List.of(side.account()),
        List.of(side.stats()),
        LEASE,
        root,
        redis);
  }

  /** Starts the side's slow worker and plays its episode on a thread of its own. */
  private void play(Side side, List<SlowWorker> started) {
    SlowWorker slow =
        SlowWorker.start(
            side.protocol(),
            side.account(),
            LEASE,
            redis.target(),
            root.keyPrefix(),
            root.verbose());
    started.add(slow);
    RedisCommands<String, String> watcher = redis.connect();
    Thread thread =
        new Thread(
            () -> {
              try {
                side.slow().complete(slow.play(side.account(), watcher));
              } catch (IOException | RuntimeException e) {
                side.slow().completeExceptionally(e);
              }
            },
            "demo-slow-" + side.account().label());
    thread.setDaemon(true);
    thread.start();
  }

  private static void awaitSlow(Side side) throws InterruptedException {
    try {
      side.slow().get(SLOW_WORKER_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw new UncheckedIOException(io);
      }
      throw new IllegalStateException(String.valueOf(cause.getMessage()), cause);
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          "the slow " + side.account().label() + " worker did not finish within 60s");
    }
  }

  private String progressLine(Side seed, Side safe, long start) {
    return String.format(
        "  %s  seed: %d deposits%s  redmutex: %d deposits%s",
        HumanDurations.format(Duration.ofNanos(System.nanoTime() - start)),
        seed.stats().deposits(),
        seed.slow().isDone() ? "" : " (slow worker out)",
        safe.stats().deposits(),
        safe.slow().isDone() ? "" : " (slow worker out)");
  }

  private int report(Side seed, Side safe) {
    RedisCommands<String, String> commands = redis.connect();
    SlowWorker.Outcome seedSlow = seed.slow().join();
    SlowWorker.Outcome safeSlow = safe.slow().join();
    long seedDeposits = seed.stats().deposits() + seedSlow.deposits();
    long safeDeposits = safe.stats().deposits() + safeSlow.deposits();
    long seedBalance = seed.account().balance(commands);
    long safeBalance = safe.account().balance(commands);
    long seedExpected = seedDeposits * DemoWorker.AMOUNT;
    long safeExpected = safeDeposits * DemoWorker.AMOUNT;
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"", seed.title(), safe.title()});
    rows.add(row("deposits acknowledged", seedDeposits, safeDeposits));
    rows.add(row("final balance", seedBalance, safeBalance));
    rows.add(row("expected (10 per deposit)", seedExpected, safeExpected));
    rows.add(
        row(
            "updates lost",
            (seedExpected - seedBalance) / DemoWorker.AMOUNT,
            (safeExpected - safeBalance) / DemoWorker.AMOUNT));
    rows.add(
        new String[] {
          "fencing rejections",
          "-",
          Long.toString(safe.stats().rejections() + (safeSlow.staleWriteAccepted() ? 0 : 1))
        });
    out.print(Table.render(rows));
    out.println();
    out.println("The slow workers, frozen with the lock held, then woken:");
    out.println("  SET NX + DEL: " + story(seedSlow));
    out.println("  redmutex:     " + story(safeSlow));
    out.println();
    if (seedBalance == seedExpected) {
      out.printf(
          "SET NX + DEL: final balance %d = expected %d (lucky this time)%n",
          seedBalance, seedExpected);
    } else {
      out.printf(
          "SET NX + DEL: final balance %d != expected %d: %d acknowledged deposits lost%n",
          seedBalance, seedExpected, (seedExpected - seedBalance) / DemoWorker.AMOUNT);
    }
    if (safeBalance == safeExpected) {
      out.printf(
          "redmutex: final balance %d = expected %d: the stale write was refused, nothing lost%n",
          safeBalance, safeExpected);
      return ExitCodes.OK;
    }
    out.printf("redmutex: final balance %d != expected %d%n", safeBalance, safeExpected);
    return ExitCodes.FAILURE;
  }

  /** What the slow worker did after it woke, in one sentence. */
  private static String story(SlowWorker.Outcome slow) {
    StringBuilder text =
        new StringBuilder("frozen ").append(HumanDurations.format(slow.frozenFor())).append(", ");
    text.append(
        slow.staleWriteAccepted()
            ? "its stale balance was written (overwriting the deposits made meanwhile)"
            : "its stale write was refused (older fencing token)");
    text.append(
        switch (slow.released()) {
          case "own" -> "; it released its own lock";
          case "another_workers" -> "; its DEL then removed another worker's lock";
          case "nothing" -> "; its DEL found no lock";
          case "lost" -> "; release reported the lease lost";
          default -> "; release: " + slow.released();
        });
    if (!slow.staleWriteAccepted()) {
      text.append(
          slow.retriedAccepted()
              ? "; it redid the deposit under a new lease"
              : "; its retry was refused too");
    }
    return text.toString();
  }

  private static String[] row(String label, long seed, long safe) {
    return new String[] {label, Long.toString(seed), Long.toString(safe)};
  }
}
