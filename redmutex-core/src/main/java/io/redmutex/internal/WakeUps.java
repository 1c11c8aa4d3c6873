package io.redmutex.internal;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

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

  /** One lock name's subscription, shared by its local waiters. */
  static final class Channel {
    private final String name;
    private final CompletableFuture<Void> subscribed;
    private final ArrayDeque<Acquisition> parked = new ArrayDeque<>(); // guarded by this
    private int users; // guarded by WakeUps.this
    private long releases; // guarded by this

    private Channel(String name, CompletableFuture<Void> subscribed) {
      this.name = name;
      this.subscribed = subscribed;
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
     * Parks {@code waiter} until the next release, unless one was announced since {@code seen}:
     * then returns false and the waiter should try again now.
     */
    synchronized boolean park(Acquisition waiter, long seen) {
      if (releases != seen) {
        return false;
      }
      parked.addLast(waiter);
      return true;
    }

    synchronized void unpark(Acquisition waiter) {
      parked.remove(waiter);
    }

    private void announce() {
      synchronized (this) {
        releases++;
      }
      while (true) {
        Acquisition next;
        synchronized (this) {
          next = parked.pollFirst();
        }
        // A waiter that already finished (timed out, cancelled) passes the release on.
        if (next == null || next.wake()) {
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
  private final Map<String, Channel> channels = new HashMap<>(); // guarded by this

  WakeUps(LockDriver driver) {
    this.driver = driver;
    driver.onWakeUp(this::announced);
  }

  /** Joins (or opens) the subscription to {@code channel}; pair with {@link #leave}. */
  synchronized Channel join(String channel) {
    Channel c = channels.get(channel);
    if (c == null) {
      c = new Channel(channel, driver.subscribe(channel));
      channels.put(channel, c);
    }
    c.users++;
    return c;
  }

  synchronized void leave(Channel c) {
    if (--c.users == 0 && channels.remove(c.name, c)) {
      driver.unsubscribe(c.name);
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

  /** Number of lock names with local waiters; for tests and diagnostics. */
  synchronized int activeChannels() {
    return channels.size();
  }
}
