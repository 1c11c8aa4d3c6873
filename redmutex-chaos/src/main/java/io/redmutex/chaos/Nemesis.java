package io.redmutex.chaos;

import java.time.Duration;
import java.util.Optional;
import java.util.Random;
import java.util.function.Predicate;

/**
 * Injects faults into a running workload, one kind per scenario. {@link #run} returns once every
 * fault it injected is healed; each fault is recorded in the history. Its timing comes from the
 * run's seeded {@link Random}; it may wait (bounded) for the workload to reach a moment worth
 * striking, such as a holder in the middle of its update.
 */
interface Nemesis {

  /** What a nemesis works with. {@code faults} is how many faults to inject. */
  record Context(
      Topology topology,
      Clients clients,
      History history,
      Random random,
      Workload workload,
      int faults) {

    /** A seeded duration in [min, max] milliseconds. */
    long between(long minMillis, long maxMillis) {
      return minMillis + (maxMillis > minMillis ? random.nextLong(maxMillis - minMillis + 1) : 0);
    }

    /**
     * Waits, at most {@code timeout}, for a holder that has read the registers and will work at
     * least {@code minHoldMillis} before writing them (a {@link Op.Kind#THINK} event from now on),
     * among clients that {@code which} accepts.
     */
    Optional<Op> awaitHolder(long minHoldMillis, Duration timeout, Predicate<Op> which)
        throws InterruptedException {
      return history.await(
          history.size(),
          op -> op.kind() == Op.Kind.THINK && op.value() >= minHoldMillis && which.test(op),
          timeout);
    }

    void record(String what, int client, boolean freezesClient, long startNanos) {
      history.fault(new FaultRecord(what, client, freezesClient, startNanos, System.nanoTime()));
    }
  }

  /** Injects {@code context.faults()} faults; returns when all are healed. */
  void run(Context context) throws InterruptedException;

  static void sleep(long millis) throws InterruptedException {
    Thread.sleep(millis);
  }
}
