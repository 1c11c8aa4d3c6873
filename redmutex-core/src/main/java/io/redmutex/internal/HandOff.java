package io.redmutex.internal;

import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a lease is given back, and where it is decided whether it goes straight to a waiter of this
 * client (a hand-off: one script gives the lock to the waiter's token, with a new fencing token) or
 * back to Redis (compare-and-delete, which announces the release to every client). Which waiter,
 * and whether the run of hand-offs must end so that other clients get their turn, is the wake-up
 * channel's call ({@link WakeUps#claimForHandOff}); this class carries it out.
 */
final class HandOff {
  private static final Logger log = LoggerFactory.getLogger(HandOff.class);

  private final LockEngine engine;
  private final LockDriver driver;
  private final WakeUps wakeUps;
  private final Waiting waiting;

  HandOff(LockEngine engine, LockDriver driver, WakeUps wakeUps, Waiting waiting) {
    this.engine = engine;
    this.driver = driver;
    this.wakeUps = wakeUps;
    this.waiting = waiting;
  }

  /**
   * Gives a lease back: straight to a waiter of this client when one is parked (one round trip, and
   * the waiter needs none), else by compare-and-delete, which wakes the waiters.
   *
   * @return whether the lease still held the lock
   */
  boolean giveBack(DefaultLease lease) {
    LockKeys keys = lease.keys();
    Acquisition next = driver.canHandOff() ? wakeUps.claimForHandOff(keys.channel()) : null;
    if (next == null) {
      return waiting.awaitRelease(keys, lease.token());
    }
    long sentAt = engine.clock().nanoTime();
    CompletableFuture<TakeResult> handOff =
        Failures.call(
            () ->
                driver.handOff(
                    keys, lease.token(), next.token(), next.leaseMillis(), engine.taker()));
    // The waiter learns the outcome on the I/O thread, at once: it need not wait for this thread
    // to wake up first. Its take, with the same token, finds out whether an unknown one happened.
    handOff.whenComplete(
        (handed, error) -> {
          if (error != null) {
            next.unclaim(true);
          } else if (handed.acquired()) {
            wakeUps.handedOff(keys.channel(), handed.othersWaiting());
            next.handedOver(handed.fencingToken(), sentAt);
            engine.handedOff(keys.name(), lease.fencingToken(), handed.fencingToken());
          } else {
            next.unclaim(false);
          }
        });
    try {
      return waiting.awaitCommand(handOff, "release", keys.name()).acquired();
    } catch (RuntimeException e) {
      releaseQuietly(keys, lease.token());
      throw e;
    }
  }

  /** Compare-and-delete without waiting for the answer; for tokens whose take was in doubt. */
  void releaseQuietly(LockKeys keys, String token) {
    Failures.call(() -> driver.release(keys, token))
        .whenComplete(
            (deleted, error) -> {
              if (error != null) {
                log.warn(
                    "redmutex: could not give back lock '{}' after an unfinished acquire; its key"
                        + " expires within the lease time: {}",
                    keys.name(),
                    Failures.rootMessage(error));
              }
            });
  }
}
