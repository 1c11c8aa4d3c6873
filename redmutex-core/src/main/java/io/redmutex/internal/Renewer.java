package io.redmutex.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Renews every held lease of one client from a single scheduler thread (no thread per lease). One
 * timer is armed for the earliest due lease; when it fires, every lease due within {@code slack} is
 * renewed in the same run, so renewals of leases taken close together go out together.
 */
final class Renewer {
  private record Entry(DefaultLease lease, long atNanos) {}

  private final ScheduledExecutorService scheduler;
  private final NanoClock clock;
  private final long slackNanos;
  private final PriorityQueue<Entry> queue =
      new PriorityQueue<>((a, b) -> Long.signum(a.atNanos - b.atNanos)); // guarded by this
  private final Map<DefaultLease, Entry> entries = new HashMap<>(); // guarded by this
  private ScheduledFuture<?> wakeUp; // guarded by this
  private long wakeUpAtNanos; // guarded by this

  Renewer(ScheduledExecutorService scheduler, NanoClock clock, long slackNanos) {
    this.scheduler = scheduler;
    this.clock = clock;
    this.slackNanos = slackNanos;
  }

  /** Renews {@code lease} at {@code atNanos} (monotonic), replacing any earlier schedule. */
  synchronized void schedule(DefaultLease lease, long atNanos) {
    Entry old = entries.put(lease, new Entry(lease, atNanos));
    if (old != null) {
      queue.remove(old);
    }
    queue.add(entries.get(lease));
    arm();
  }

  /** Stops renewing {@code lease}; a renewal already sent is ignored by the lease when it ends. */
  synchronized void cancel(DefaultLease lease) {
    Entry old = entries.remove(lease);
    if (old != null) {
      queue.remove(old);
    }
  }

  synchronized boolean isScheduled(DefaultLease lease) {
    return entries.containsKey(lease);
  }

  /** The leases being renewed now. */
  synchronized List<DefaultLease> leases() {
    return new ArrayList<>(entries.keySet());
  }

  private void arm() {
    Entry head = queue.peek();
    if (head == null) {
      return;
    }
    if (wakeUp != null && !wakeUp.isDone() && wakeUpAtNanos - head.atNanos <= 0) {
      return; // the armed timer fires early enough
    }
    if (wakeUp != null) {
      wakeUp.cancel(false);
    }
    wakeUpAtNanos = head.atNanos;
    long delay = Math.max(0, head.atNanos - clock.nanoTime());
    try {
      wakeUp = scheduler.schedule(this::run, delay, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException closed) {
      wakeUp = null; // the client is closing: its leases are given back, not renewed
    }
  }

  private void run() {
    List<DefaultLease> due = new ArrayList<>();
    synchronized (this) {
      wakeUp = null;
      long horizon = clock.nanoTime() + slackNanos;
      while (!queue.isEmpty() && queue.peek().atNanos - horizon <= 0) {
        due.add(entries.remove(queue.poll().lease).lease());
      }
      arm();
    }
    for (DefaultLease lease : due) {
      lease.renew();
    }
  }
}
