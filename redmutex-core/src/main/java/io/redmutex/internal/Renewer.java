package io.redmutex.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renews every held lease of one client from a single scheduler thread (no thread per lease). One
 * timer is armed for the earliest due lease; when it fires, every lease due within {@code slack} is
 * renewed in the same run, so renewals of leases taken close together go out together. Scheduling
 * and cancelling are O(log n) in the number of held leases.
 */
final class Renewer {
  private static final Logger log = LoggerFactory.getLogger(Renewer.class);

  /**
   * What the renewer renews: a mutex key this client holds, or a permit of a semaphore or
   * read-write lock.
   */
  interface Renewable {
    /** One renewal, from the renewer's thread; never blocks. */
    void renew();

    /** Marks it lost (its renewal failed unexpectedly). */
    void markLost(String why);

    /** The lock name, for logs. */
    String name();
  }

  /** When a lease is due; {@code seq} breaks ties and nanoTime wrap-around stays consistent. */
  private record Due(long atNanos, long seq) {}

  private final ScheduledExecutorService scheduler;
  private final NanoClock clock;
  private final long slackNanos;
  private final TreeMap<Due, Renewable> queue = // guarded by this
      new TreeMap<>(
          (a, b) -> {
            int byTime = Long.signum(a.atNanos - b.atNanos);
            return byTime != 0 ? byTime : Long.compare(a.seq, b.seq);
          });
  private final Map<Renewable, Due> entries = new HashMap<>(); // guarded by this
  private long nextSeq; // guarded by this
  private ScheduledFuture<?> wakeUp; // guarded by this
  private long wakeUpAtNanos; // guarded by this

  Renewer(ScheduledExecutorService scheduler, NanoClock clock, long slackNanos) {
    this.scheduler = scheduler;
    this.clock = clock;
    this.slackNanos = slackNanos;
  }

  /** Renews {@code lease} at {@code atNanos} (monotonic), replacing any earlier schedule. */
  synchronized void schedule(Renewable lease, long atNanos) {
    Due due = new Due(atNanos, nextSeq++);
    Due old = entries.put(lease, due);
    if (old != null) {
      queue.remove(old);
    }
    queue.put(due, lease);
    arm();
  }

  /** Stops renewing {@code lease}; a renewal already sent is ignored by the lease when it ends. */
  synchronized void cancel(Renewable lease) {
    Due old = entries.remove(lease);
    if (old != null) {
      queue.remove(old);
    }
  }

  private void arm() {
    if (queue.isEmpty()) {
      return;
    }
    long headAt = queue.firstKey().atNanos;
    if (wakeUp != null && !wakeUp.isDone() && wakeUpAtNanos - headAt <= 0) {
      return; // the armed timer fires early enough
    }
    if (wakeUp != null) {
      wakeUp.cancel(false);
    }
    wakeUpAtNanos = headAt;
    long delay = Math.max(0, headAt - clock.nanoTime());
    try {
      wakeUp = scheduler.schedule(this::run, delay, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException closed) {
      wakeUp = null; // the client is closing: its leases are given back, not renewed
    }
  }

  private void run() {
    List<Renewable> due = new ArrayList<>();
    synchronized (this) {
      wakeUp = null;
      long horizon = clock.nanoTime() + slackNanos;
      while (!queue.isEmpty() && queue.firstKey().atNanos - horizon <= 0) {
        Renewable lease = queue.pollFirstEntry().getValue();
        entries.remove(lease);
        due.add(lease);
      }
      arm();
    }
    for (Renewable lease : due) {
      try {
        lease.renew();
      } catch (RuntimeException e) {
        // One lease's failure must not cost the others of this batch their renewal.
        log.error("redmutex: renewal of lock '{}' failed unexpectedly", lease.name(), e);
        lease.markLost("its renewal failed unexpectedly: " + e);
      }
    }
  }
}
