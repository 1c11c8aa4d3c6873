package io.redmutex.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lock's key as this client holds it: the owner token in Redis, the local view of when the key
 * expires, and its renewal. One take (or scripted hand-off) makes one held key. While it is held,
 * the lock can go from one lease of this client to the next without a round trip ({@link #handTo},
 * a local hand-off): the key, its token and its renewal stay, and each new lease gets a fencing
 * token one above the last.
 *
 * <p>Why local tokens stay safe: the take's token is the server's time in microseconds ({@code
 * clockFenced}), and a local token is issued only when at least as many microseconds passed since
 * the take's answer as tokens were issued since; so each is at most the server's time when it was
 * issued, and any later take (whose token is at least the server's time then) gets a larger one,
 * also when this client is paused and its key expires. A real release also stores the last local
 * token as the lock's last ({@code release.lua}), and a scripted hand-off issues above it.
 *
 * <p>The owner of the local expiry: {@link #confirmed} is its one writer.
 *
 * <p>Locks: a held key and its leases each guard their own state, and neither is ever taken while
 * the other is held (a lease asks its key after leaving its own lock; the key tells a lease of its
 * loss after leaving its own).
 */
final class HeldKey implements Renewer.Renewable {
  private static final Logger log = LoggerFactory.getLogger(HeldKey.class);

  private enum State {
    HELD,
    LOST,
    ENDED
  }

  private final LockEngine engine;
  private final LockKeys keys;
  private final String token;
  private final long firstFencingToken;
  private final boolean clockFenced;
  private final long takenAtNanos;
  private final long answeredAtNanos;
  private final int handOffsBefore; // of the run this key continues (see handOffsInARow)

  // Guarded by this.
  private State state = State.HELD;
  private long leaseMillis; // the length the next write (renewal or extend) sends
  private long expiresAtNanos; // see confirmed()
  private long writesSent; // renewals and extends sent, numbering their answers
  private long lastFencingToken;
  private DefaultLease current;
  private int localHandOffs;

  /**
   * @param takenAtNanos when the take (or hand-off) that gave this key to {@code token} was sent
   * @param handOffsBefore hand-offs in a row before this key (by a scripted hand-off), else 0
   */
  HeldKey(
      LockEngine engine,
      LockKeys keys,
      String token,
      long fencingToken,
      boolean clockFenced,
      long leaseMillis,
      long takenAtNanos,
      int handOffsBefore) {
    this.engine = engine;
    this.keys = keys;
    this.token = token;
    this.firstFencingToken = fencingToken;
    this.lastFencingToken = fencingToken;
    this.clockFenced = clockFenced;
    this.handOffsBefore = handOffsBefore;
    this.takenAtNanos = takenAtNanos;
    this.answeredAtNanos = engine.clock().nanoTime();
    this.leaseMillis = leaseMillis;
    this.expiresAtNanos = takenAtNanos + TimeUnit.MILLISECONDS.toNanos(leaseMillis);
    this.current = new DefaultLease(engine, this, fencingToken, takenAtNanos);
  }

  /**
   * A taken answer ({@code answer}, to a take or hand-off sent at {@code sentAt}) as the first
   * lease of a new held key, renewed from now on: before the caller can see the lease, so that
   * close() finds it.
   */
  static DefaultLease startHolding(
      LockEngine engine,
      LockKeys keys,
      String token,
      TakeResult answer,
      long leaseMillis,
      long sentAt,
      int handOffsBefore) {
    HeldKey key =
        new HeldKey(
            engine,
            keys,
            token,
            answer.fencingToken(),
            answer.clockFenced(),
            leaseMillis,
            sentAt,
            handOffsBefore);
    key.startRenewal();
    return key.firstLease();
  }

  /** The lease the take made. */
  synchronized DefaultLease firstLease() {
    return current;
  }

  LockKeys keys() {
    return keys;
  }

  @Override
  public String name() {
    return keys.name();
  }

  String token() {
    return token;
  }

  /**
   * Whether the key can still be ours: held, and its lease time not passed since the last write.
   */
  synchronized boolean isHeld() {
    return state == State.HELD && engine.clock().nanoTime() - expiresAtNanos < 0;
  }

  /** Whether the lease time passed since the last confirmed write (the key may be gone). */
  synchronized boolean hasExpired() {
    return engine.clock().nanoTime() - expiresAtNanos >= 0;
  }

  /** Whether {@link #handTo} may issue a lease now (see the class comment). */
  synchronized boolean canHandLocally() {
    long now = engine.clock().nanoTime();
    return state == State.HELD
        && now - expiresAtNanos < 0
        && clockFenced
        && (lastFencingToken + 1 - firstFencingToken) * 1000 <= now - answeredAtNanos;
  }

  /**
   * A local hand-off: a new lease of this key, with the next fencing token, for a waiter of this
   * client; null when {@code from} is not the key's current lease or {@link #canHandLocally} says
   * no. Sends nothing.
   */
  synchronized DefaultLease handTo(DefaultLease from) {
    if (current != from || !canHandLocally()) {
      return null;
    }
    current = new DefaultLease(engine, this, ++lastFencingToken, engine.clock().nanoTime());
    localHandOffs++;
    return current;
  }

  /**
   * How many times in a row this client handed the lock on to its own waiters while holding it,
   * this key's local hand-offs included: the run that {@link WakeUps.Channel#claimForHandOff}
   * bounds. It lives with the key, not with the subscription, which may end and start again while
   * the key stays held.
   */
  synchronized int handOffsInARow() {
    return handOffsBefore + localHandOffs;
  }

  /**
   * The last fencing token issued locally, for the release to store ({@code release.lua}); 0 when
   * none was.
   */
  synchronized long lastLocalFencingToken() {
    return lastFencingToken == firstFencingToken ? 0 : lastFencingToken;
  }

  /** Starts renewing: first renewal a third of the lease time after the take was sent. */
  synchronized void startRenewal() {
    if (state == State.HELD) {
      engine.holding(this);
      engine.renewer().schedule(this, takenAtNanos + renewPeriodNanos());
    }
  }

  private long renewPeriodNanos() {
    return TimeUnit.MILLISECONDS.toNanos(leaseMillis) / 3;
  }

  /**
   * The one writer of the local expiry: an answer moves it only if it answers the latest write sent
   * (renewal or extend), measured from that write's send (issue 9, finding 2). Called with this
   * held.
   */
  private void confirmed(long write, long sentAt, long millis) {
    if (write == writesSent) {
      expiresAtNanos = sentAt + TimeUnit.MILLISECONDS.toNanos(millis);
    }
  }

  /** One renewal, from the renewer's thread; never blocks. */
  @Override
  public void renew() {
    long sentAt = engine.clock().nanoTime();
    long millis;
    long write;
    long untilExpiry;
    synchronized (this) {
      if (state != State.HELD) {
        return;
      }
      untilExpiry = expiresAtNanos - sentAt;
      millis = leaseMillis;
      write = ++writesSent;
    }
    if (untilExpiry <= 0) {
      // Outside this key's lock: the loss is told to a lease, whose lock is never taken inside
      // this one (a lease being released asks this key whether it expired).
      markLost("its lease time passed without a successful renewal");
      return;
    }
    CompletableFuture<Boolean> renewal =
        Failures.call(() -> engine.driver().extend(keys, token, millis));
    // An unanswered renewal counts as failed after a renewal period, and no later than the local
    // expiry, not after the command timeout: the loss is told when the key can have expired,
    // however long the timeout (finding 11).
    ScheduledFuture<?> timeout =
        engine.schedule(
            () ->
                renewal.completeExceptionally(
                    new TimeoutException("renewal not answered within a renewal period")),
            Math.min(
                Math.min(engine.settings().commandTimeout().toNanos(), renewPeriodNanos()),
                untilExpiry),
            TimeUnit.NANOSECONDS);
    if (timeout != null) {
      renewal.whenComplete((extended, error) -> timeout.cancel(false));
    }
    renewal.whenComplete(
        (extended, error) -> {
          if (error == null && !extended) {
            markLost("its key expired, was deleted, or holds another owner's token");
            return;
          }
          DefaultLease renewed;
          synchronized (this) {
            if (state != State.HELD) {
              return; // released meanwhile: never reschedule (no renewal after release)
            }
            long next;
            if (error == null) {
              confirmed(write, sentAt, millis);
              next = sentAt + renewPeriodNanos();
              renewed = current;
            } else {
              log.warn(
                  "redmutex: renewal of lock '{}' failed, retrying: {}",
                  keys.name(),
                  Failures.rootMessage(error));
              // Retry soon, and no later than the local expiry, which then reports the loss.
              long retryAt = engine.clock().nanoTime() + renewPeriodNanos() / 3;
              next = retryAt - expiresAtNanos < 0 ? retryAt : expiresAtNanos;
              renewed = null;
            }
            engine.renewer().schedule(this, next);
          }
          if (renewed != null) {
            engine.renewed(renewed);
          }
        });
  }

  /**
   * Sets a new lease time, waiting for Redis; false when the key was lost (then reported) or ended.
   */
  boolean extend(long millis) {
    long sentAt;
    long write;
    synchronized (this) {
      if (state != State.HELD) {
        return false;
      }
      // Set before sending, so that a renewal sent from now on carries the new length too.
      leaseMillis = millis;
      sentAt = engine.clock().nanoTime();
      write = ++writesSent;
    }
    boolean extended =
        engine
            .waiting()
            .awaitRetrying(() -> engine.driver().extend(keys, token, millis), "extend", name());
    if (!extended) {
      markLost("its key expired, was deleted, or holds another owner's token");
      return false;
    }
    synchronized (this) {
      if (state != State.HELD) {
        return false;
      }
      confirmed(write, sentAt, millis);
      engine.renewer().schedule(this, sentAt + renewPeriodNanos());
      return true;
    }
  }

  /**
   * Marks the key lost, once: stops renewal, wakes a waiter here, and tells the current lease (the
   * one a local hand-off gave it to last).
   */
  @Override
  public void markLost(String why) {
    DefaultLease lease;
    synchronized (this) {
      if (state != State.HELD) {
        return;
      }
      state = State.LOST;
      lease = current;
    }
    engine.renewer().cancel(this);
    engine.notHolding(this, true);
    lease.lost(why);
  }

  /**
   * Ends holding without a command: renewal stops, and new acquires here take instead of queueing
   * behind this key. Returns whether it was held (not lost); the caller then gives the key back.
   */
  boolean end() {
    synchronized (this) {
      if (state != State.HELD) {
        return false;
      }
      state = State.ENDED;
    }
    // Renewal stops before the release is sent, whatever happens next.
    engine.renewer().cancel(this);
    engine.notHolding(this, false);
    return true;
  }

  /**
   * Lets the key expire in Redis {@code millis} from now and stops holding it here, without a
   * release: renewal stops before the expiry is sent, so none can push it later. Returns false if
   * the key no longer held the token (or was not held here any more).
   */
  boolean expireIn(long millis) {
    if (!end()) {
      return false;
    }
    try {
      return engine
          .waiting()
          .awaitRetrying(() -> engine.driver().extend(keys, token, millis), "extend", name());
    } finally {
      // No release will be announced: a waiter here takes now, and learns the key's new expiry.
      engine.wakeUps().announceLocally(keys.channel());
    }
  }

  @Override
  public String toString() {
    return "HeldKey[" + keys.name() + "]";
  }
}
