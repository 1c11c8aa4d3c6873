package io.redmutex.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Everything that happened in one run: the clients' events, in the order they reached the harness,
 * and the faults. Thread-safe; nemeses wait on it for the moment to strike.
 */
final class History {
  private final List<Op> ops = new ArrayList<>(); // guarded by this
  private final List<FaultRecord> faults = new ArrayList<>(); // guarded by this

  synchronized void add(Op op) {
    ops.add(op);
    notifyAll();
  }

  synchronized void fault(FaultRecord fault) {
    faults.add(fault);
  }

  synchronized List<Op> ops() {
    return List.copyOf(ops);
  }

  synchronized List<FaultRecord> faults() {
    return List.copyOf(faults);
  }

  /** How many events were recorded so far: a position for {@link #await}. */
  synchronized int size() {
    return ops.size();
  }

  /**
   * Waits for the first event at or after position {@code from} that matches, at most {@code
   * timeout}.
   */
  synchronized Optional<Op> await(int from, Predicate<Op> match, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    int next = from;
    while (true) {
      for (; next < ops.size(); next++) {
        if (match.test(ops.get(next))) {
          return Optional.of(ops.get(next));
        }
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return Optional.empty();
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
  }
}
