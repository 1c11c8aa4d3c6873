package io.redmutex.internal;

import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a lease is given back, and where it is decided whether the lock goes straight to a waiter
 * of this client or back to Redis. Three ways, cheapest first:
 *
 * <ul>
 *   <li>a <b>local hand-off</b>: the key stays this client's, and the waiter gets a new lease of it
 *       with the next fencing token ({@link HeldKey#handTo}); no command is sent;
 *   <li>a <b>scripted hand-off</b>: one script gives the key to the waiter's token, with a new
 *       fencing token, and counts the other clients that wait (when a local one is not allowed, or
 *       when a long run of local hand-offs asks whether others wait);
 *   <li>a <b>release</b>: compare-and-delete, which announces the release to every client.
 * </ul>
 *
 * Which waiter, and whether the run of hand-offs must end so that other clients get their turn, is
 * the wake-up channel's call ({@link WakeUps.Channel#claimForHandOff}); this class carries it out.
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
   * Gives a lease back: to a waiter of this client when one is parked, else by compare-and-delete,
   * which wakes the waiters. Tells the listener the lease was released (and handed off), before the
   * waiter's own events and before it returns.
   *
   * @return whether the lease still held the lock
   */
  boolean giveBack(DefaultLease lease) {
    HeldKey key = lease.heldKey();
    LockKeys keys = key.keys();
    DefaultLease current = lease; // the key's current lease, which a local hand-off passes on
    boolean scripted = driver.canHandOff();
    while (scripted || key.canHandLocally()) {
      WakeUps.Claim claim = wakeUps.claimForHandOff(keys.channel(), scripted, key.handOffsInARow());
      if (claim == null) {
        break;
      }
      Acquisition<DefaultLease> next = claim.waiter();
      DefaultLease handed = claim.askOthers() ? null : key.handTo(current);
      if (handed == null) {
        if (!scripted) { // lost or expired meanwhile: the waiter takes
          next.unclaim(false);
          break;
        }
        return scriptedHandOff(key, lease, next);
      }
      if (next.handedOverLocally(handed, () -> toldHandedOff(lease, handed))) {
        return true;
      }
      // That waiter gave up meanwhile: the lease it did not get goes to the next one.
      handed.discard();
      current = handed;
    }
    if (!key.end()) {
      return false; // lost meanwhile: its key is someone else's business now
    }
    boolean released = waiting.awaitRelease(keys, key.token(), key.lastLocalFencingToken());
    if (released) {
      engine.released(lease, lease.heldSoFar());
    }
    return released;
  }

  /** The listener's events of a hand-off, told before the waiter's own. */
  private void toldHandedOff(DefaultLease from, DefaultLease to) {
    engine.released(from, from.heldSoFar());
    engine.handedOff(from.name(), from.fencingToken(), to.fencingToken());
  }

  /** Gives the key to waiter {@code next}'s token with a script; see {@link #giveBack}. */
  private boolean scriptedHandOff(HeldKey key, DefaultLease lease, Acquisition<DefaultLease> next) {
    LockKeys keys = key.keys();
    if (!key.end()) {
      next.unclaim(false);
      return false;
    }
    long sentAt = engine.clock().nanoTime();
    int inARow = key.handOffsInARow() + 1;
    CompletableFuture<TakeResult> handOff =
        Failures.call(
            () ->
                driver.handOff(
                    keys,
                    key.token(),
                    key.lastLocalFencingToken(),
                    next.owner(),
                    next.leaseMillis(),
                    engine.taker()));
    // The waiter learns the outcome on the I/O thread, at once: it need not wait for this thread
    // to wake up first. Its take, with the same token, finds out whether an unknown one happened.
    // This thread returns once the waiter has been told (and so the listener), so that this
    // caller's next events come after this release's.
    CompletableFuture<TakeResult> told =
        handOff.whenComplete(
            (handed, error) -> {
              if (error != null) {
                next.unclaim(true);
              } else if (handed.acquired()) {
                wakeUps.handedOff(keys.channel(), handed.othersWaiting());
                // When no other client waits, the run starts again; else it goes on, to its bound.
                DefaultLease taken =
                    HeldKey.startHolding(
                        engine,
                        keys,
                        next.owner(),
                        handed,
                        next.leaseMillis(),
                        sentAt,
                        handed.othersWaiting() > 0 ? inARow : 0);
                next.handedOver(
                    Acquisition.Answer.taken(taken, false), () -> toldHandedOff(lease, taken));
              } else {
                next.unclaim(false);
              }
            });
    try {
      return waiting.awaitCommand(told, "release", keys.name()).acquired();
    } catch (RuntimeException e) {
      releaseQuietly(keys, key.token(), key.lastLocalFencingToken());
      throw e;
    }
  }

  /**
   * Gives back, without waiting, a lease that no caller received (it gave up meanwhile): its key is
   * released, which wakes this client's other waiters too.
   */
  void abandon(DefaultLease lease) {
    HeldKey key = lease.heldKey();
    if (lease.discard() && key.end()) {
      releaseQuietly(key.keys(), key.token(), key.lastLocalFencingToken());
    }
  }

  /** Compare-and-delete without waiting for the answer; for tokens whose take was in doubt. */
  void releaseQuietly(LockKeys keys, String token, long lastFencingToken) {
    Failures.call(() -> driver.release(keys, token, lastFencingToken))
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
