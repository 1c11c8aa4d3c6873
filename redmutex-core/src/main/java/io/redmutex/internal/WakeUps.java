package io.redmutex.internal;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Wake-ups for waiters of this client: one subscription per lock name while anyone here waits on it
 * (reference-counted, on the driver's single pub/sub connection), and one retry per release message
 * — the longest-parked waiter is woken, not every waiting thread, so waiters in one JVM never
 * stampede Redis.
 *
 * <p>A waiter that is in the middle of a take when a release is announced would miss it; each
 * channel therefore counts releases, and a waiter compares the count from before its take with the
 * count after a busy answer (see {@link Channel#releases()}).
 */
final class WakeUps {

  /**
   * How many times in a row a client hands a lock to its own waiters before it really releases it
   * while other clients wait (lock cohorting, bounded so that they are not starved), or asks again
   * whether they do.
   */
  static final int MAX_HAND_OFFS_IN_A_ROW = 8;

  /**
   * A waiter claimed for a hand-off; {@code askOthers}: by a scripted hand-off, which tells whether
   * other clients wait (see {@link Channel#claimForHandOff}).
   */
  record Claim(Acquisition<DefaultLease> waiter, boolean askOthers) {}

  /**
   * After a release that ends a run of hand-offs, new acquires in this client wait this long before
   * they take, so that a waiter in another client, woken by the release message, gets there first.
   */
  static final long YIELD_NANOS = TimeUnit.MICROSECONDS.toNanos(300);

  /** One lock name's subscription, shared by its local waiters. */
  static final class Channel {
    private final String name;
    // Replaced by WakeUps.join when it failed: a later join subscribes again.
    private volatile CompletableFuture<Void> subscribed; // written with WakeUps.this held
    // A lock's waiters, which can be claimed for a hand-off; guarded by this.
    private final ArrayDeque<Acquisition<DefaultLease>> parked = new ArrayDeque<>();
    // A semaphore's or read-write lock's waiters, never claimed; guarded by this.
    private final ArrayDeque<Acquisition<?>> waiters = new ArrayDeque<>();
    private int users; // guarded by WakeUps.this
    private long releases; // guarded by this
    private long yieldedAtNanos; // guarded by this
    private boolean yielded; // guarded by this
    private boolean othersWait; // guarded by this; as last counted (scripted hand-off)

    private final NanoClock clock;

    private Channel(String name, CompletableFuture<Void> subscribed, NanoClock clock) {
      this.name = name;
      this.subscribed = subscribed;
      this.clock = clock;
    }

    /** Completes when the server confirmed the subscription (or failed to). */
    CompletableFuture<Void> subscribed() {
      return subscribed;
    }

    /** How many releases were announced on this channel since the subscription. */
    synchronized long releases() {
      return releases;
    }

    /**
     * Parks a lock's {@code waiter} until the next release or a hand-off, unless a release was
     * announced since {@code seen}: then returns false and the waiter should try again now.
     */
    synchronized boolean parkForHandOff(Acquisition<DefaultLease> waiter, long seen) {
      if (releases != seen) {
        return false;
      }
      parked.addLast(waiter);
      return true;
    }

    /**
     * Records how many other clients waited for this lock at a scripted hand-off (by the lock's
     * waiters set, which their takes keep): when none, the run of hand-offs goes on.
     */
    synchronized void handedOff(long othersWaiting) {
      othersWait = othersWaiting > 0;
    }

    /**
     * Nanoseconds this client should still hold back its own takes after ending a run of hand-offs
     * (see {@link #YIELD_NANOS}); 0 when it need not.
     */
    synchronized long yieldingNanos() {
      if (!yielded) {
        return 0;
      }
      long left = YIELD_NANOS - (clock.nanoTime() - yieldedAtNanos);
      if (left <= 0) {
        yielded = false;
        return 0;
      }
      return left;
    }

    /** Takes {@code waiter} off this channel, if it is parked here. */
    synchronized void unpark(Acquisition<?> waiter) {
      if (!parked.remove(waiter)) {
        waiters.remove(waiter);
      }
    }

    /**
     * As {@link #parkForHandOff}, for a waiter that is never claimed (a semaphore's, a read-write
     * lock's); one that {@linkplain Acquisition#wakesFirst wakes first} goes ahead of the others.
     */
    synchronized boolean park(Acquisition<?> waiter, long seen) {
      if (releases != seen) {
        return false;
      }
      if (waiter.wakesFirst()) {
        waiters.addFirst(waiter);
      } else {
        waiters.addLast(waiter);
      }
      return true;
    }

    /** Wakes the longest-parked waiter never claimed, passing the release on past ended ones. */
    private void wakeWaiter() {
      while (true) {
        Acquisition<?> next;
        synchronized (this) {
          next = waiters.pollFirst();
        }
        if (next == null || next.wake()) {
          return;
        }
      }
    }

    /**
     * Claims the longest-parked waiter for a hand-off, or returns null: when none is parked, or
     * when this client has handed the lock on {@link #MAX_HAND_OFFS_IN_A_ROW} times in a row
     * ({@code inARow}, counted by the held key) and other clients wait, as last counted (the
     * release then really releases, and this client yields, so that waiters in other clients get
     * their turn). When the count is older than the run ({@code canAsk}: scripted hand-offs are
     * possible), the hand-off after a full run asks again ({@link Claim#askOthers}); without
     * scripted hand-offs the run always ends there.
     */
    Claim claimForHandOff(boolean canAsk, int inARow) {
      while (true) {
        Acquisition<DefaultLease> next;
        boolean ask = false;
        synchronized (this) {
          if (inARow >= MAX_HAND_OFFS_IN_A_ROW) {
            if (othersWait || !canAsk) {
              yielded = true;
              yieldedAtNanos = clock.nanoTime();
              return null;
            }
            ask = true;
          }
          next = parked.pollFirst();
          if (next == null) {
            // Contention here is over: the next run finds out afresh whether others wait.
            othersWait = false;
            return null;
          }
        }
        if (next.claim()) {
          return new Claim(next, ask);
        }
      }
    }

    private void announce() {
      synchronized (this) {
        releases++;
      }
      while (true) {
        Acquisition<DefaultLease> next;
        synchronized (this) {
          next = parked.pollFirst();
        }
        if (next == null) {
          wakeWaiter(); // a semaphore's or read-write lock's channel parks those
          return;
        }
        // A waiter that already finished (timed out, cancelled) passes the release on.
        if (next.wake()) {
          return;
        }
      }
    }

    @Override
    public String toString() {
      return name;
    }
  }

  private final LockDriver driver;
  private final String clientId;
  private final Map<String, Channel> channels = new HashMap<>(); // guarded by this

  private final NanoClock clock;

  WakeUps(LockDriver driver, String clientId, NanoClock clock) {
    this.driver = driver;
    this.clientId = clientId;
    this.clock = clock;
    driver.onWakeUp(this::announced);
  }

  /**
   * Joins (or opens) the subscription to {@code channel}; pair with {@link #leave}. A subscription
   * that failed (a node was down, a command timed out) is sent again: while a lock stays contended
   * its channel is never left, so without this its waiters would only ever wake by their timers.
   * The drivers wake the channel's waiters when the new subscription is confirmed.
   */
  synchronized Channel join(String channel) {
    Channel c = channels.get(channel);
    if (c == null) {
      c = new Channel(channel, subscribe(channel), clock);
      channels.put(channel, c);
    } else if (c.subscribed.isCompletedExceptionally()) {
      c.subscribed = subscribe(channel);
    }
    c.users++;
    return c;
  }

  /** The driver's subscription; one that throws fails the future instead (waiters still retry). */
  private CompletableFuture<Void> subscribe(String channel) {
    try {
      return driver.subscribe(channel);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * Joins the subscription to {@code channel} only if it exists and the server confirmed it; null
   * otherwise. Pair a non-null result with {@link #leave}.
   */
  synchronized Channel joinIfSubscribed(String channel) {
    Channel c = channels.get(channel);
    CompletableFuture<Void> subscribed = c == null ? null : c.subscribed;
    if (subscribed == null || !subscribed.isDone() || subscribed.isCompletedExceptionally()) {
      return null;
    }
    c.users++;
    return c;
  }

  /** Wakes a waiter here as a release message would: the lock may be free without one. */
  void announceLocally(String channel) {
    announced(channel);
  }

  synchronized void leave(Channel c) {
    if (--c.users == 0 && channels.remove(c.name, c)) {
      // Best effort: an unsubscription that cannot be sent leaves at most stray wake-ups.
      Failures.call(() -> driver.unsubscribe(c.name));
      // No acquire of this client waits any more: other clients' hand-offs need not yield to it.
      Failures.call(() -> driver.unwait(LockKeys.waitersKeyOfChannel(c.name), clientId));
    }
  }

  private void announced(String channel) {
    Channel c;
    synchronized (this) {
      c = channels.get(channel);
    }
    if (c != null) {
      c.announce();
    }
  }

  /**
   * Takes this client out of the waiters set of {@code channel}'s lock again, unless an acquire of
   * this client still waits on it: a take answered busy after its acquire ended has entered it
   * again, and holders must not yield to a client that no longer waits. (An acquire here that
   * starts meanwhile enters it again with its next take, the one after its subscription.)
   */
  synchronized void unwaitUnlessWaiting(String channel) {
    if (!channels.containsKey(channel)) {
      Failures.call(() -> driver.unwait(LockKeys.waitersKeyOfChannel(channel), clientId));
    }
  }

  /** See {@link Channel#handedOff}. */
  void handedOff(String channel, long othersWaiting) {
    Channel c;
    synchronized (this) {
      c = channels.get(channel);
    }
    if (c != null) {
      c.handedOff(othersWaiting);
    }
  }

  /** How many acquires of this client are parked on {@code channel} now; for tests. */
  int parked(String channel) {
    Channel c;
    synchronized (this) {
      c = channels.get(channel);
    }
    if (c == null) {
      return 0;
    }
    synchronized (c) {
      return c.parked.size() + c.waiters.size();
    }
  }

  /** A parked waiter of this client for {@code channel}, claimed for a hand-off, or null. */
  Claim claimForHandOff(String channel, boolean canAsk, int inARow) {
    Channel c;
    synchronized (this) {
      c = channels.get(channel);
    }
    return c == null ? null : c.claimForHandOff(canAsk, inARow);
  }
}
