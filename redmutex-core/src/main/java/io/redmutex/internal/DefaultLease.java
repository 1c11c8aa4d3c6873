package io.redmutex.internal;

import io.redmutex.Lease;
import io.redmutex.LockLostException;
import io.redmutex.RedMutex;
import io.redmutex.RedisUnavailableException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One holder's turn with a lock: its fencing token, whether it is still its turn, and its lost
 * callbacks. The key in Redis, its expiry and its renewal belong to the {@link HeldKey}, which a
 * run of local hand-offs passes from lease to lease.
 *
 * <p>The local expiry is measured from when the last successful take or extend was <em>sent</em>,
 * so it is never later than the key's expiry in Redis: {@link #isHeld()} turns false no later than
 * the key can vanish, even when Redis cannot be reached.
 */
final class DefaultLease implements Lease {
  private static final Logger log = LoggerFactory.getLogger(DefaultLease.class);

  private enum State {
    HELD,
    LOST,
    RELEASED
  }

  private final LockEngine engine;
  private final HeldKey key;
  private final long fencingToken;
  private final long acquiredAtNanos;
  private final List<Runnable> lostCallbacks = new CopyOnWriteArrayList<>();

  private State state = State.HELD; // guarded by this

  DefaultLease(LockEngine engine, HeldKey key, long fencingToken, long acquiredAtNanos) {
    this.engine = engine;
    this.key = key;
    this.fencingToken = fencingToken;
    this.acquiredAtNanos = acquiredAtNanos;
  }

  @Override
  public String name() {
    return key.name();
  }

  HeldKey heldKey() {
    return key;
  }

  LockKeys keys() {
    return key.keys();
  }

  String token() {
    return key.token();
  }

  @Override
  public long fencingToken() {
    return fencingToken;
  }

  @Override
  public boolean isHeld() {
    synchronized (this) {
      if (state != State.HELD) {
        return false;
      }
    }
    return key.isHeld();
  }

  @Override
  public void extend(Duration leaseTime) {
    long millis = engine.checkLeaseTime("leaseTime", leaseTime).toMillis();
    synchronized (this) {
      if (state != State.HELD) {
        throw lostException("cannot extend");
      }
    }
    if (!key.extend(millis)) {
      throw lostException("cannot extend");
    }
  }

  @Override
  public void onLost(Runnable callback) {
    Objects.requireNonNull(callback, "callback");
    lostCallbacks.add(callback);
    boolean lostAlready;
    synchronized (this) {
      lostAlready = state == State.LOST;
    }
    if (lostAlready && lostCallbacks.remove(callback)) {
      // Lost already: run it at once, on the caller's own thread (never an I/O thread).
      try {
        callback.run();
      } catch (RuntimeException e) {
        log.warn("redmutex: a lease-lost callback threw; ignored", e);
      }
    }
  }

  /** The key was lost while this lease had it: tells the listener and the callbacks, once. */
  void lost(String why) {
    synchronized (this) {
      if (state != State.HELD) {
        return;
      }
      state = State.LOST;
    }
    log.warn("redmutex: lost lock '{}' (fencing token {}): {}", name(), fencingToken, why);
    engine.lost(this);
    for (Runnable callback : lostCallbacks) {
      if (lostCallbacks.remove(callback)) {
        runCallback(callback);
      }
    }
  }

  /** Runs a lost-callback on the client's callback thread, never on an I/O or timer thread. */
  private void runCallback(Runnable callback) {
    engine.runCallback("a lease-lost callback", callback);
  }

  /** Marks this lease released, once; the state it had (RELEASED: it had been, nothing to do). */
  private State markReleased() {
    synchronized (this) {
      State before = state;
      state = State.RELEASED;
      return before;
    }
  }

  @Override
  public void release() {
    State before = markReleased();
    if (before == State.RELEASED) {
      return;
    }
    boolean expired = key.hasExpired();
    if (before == State.LOST) {
      // Found lost already (and told): the key is someone else's business now; never touch it.
      throw lostException("released, but it had been lost before");
    }
    boolean given;
    try {
      given = engine.handOff().giveBack(this);
    } catch (RedisUnavailableException e) {
      if (!expired) {
        throw e;
      }
      // Its lease time had passed unconfirmed: the loss is the news, not the unreachable server.
      reportLostAtRelease();
      throw lostException("released after its lease time passed without a renewal", e);
    }
    if (!given) {
      reportLostAtRelease();
      // Nothing was deleted, so nothing was announced: waiters here must not wait for it.
      engine.wakeUps().announceLocally(keys().channel());
      throw lostException("released, but it had been lost before");
    }
    // Given back: giveBack told the listener, before a waiter it was handed to could tell more.
  }

  /** How long this lease has been held, until now. */
  Duration heldSoFar() {
    return Duration.ofNanos(engine.clock().nanoTime() - acquiredAtNanos);
  }

  @Override
  public void releaseAfter(Duration delay) {
    Durations.check("delay", delay, Duration.ZERO, RedMutex.MAX_LEASE_TIME);
    if (delay.isZero()) {
      release();
      return;
    }
    State before = markReleased();
    if (before == State.RELEASED) {
      return;
    }
    if (before == State.LOST) {
      throw lostException("released, but it had been lost before");
    }
    if (!key.expireIn(Math.max(1, delay.toMillis()))) {
      reportLostAtRelease();
      throw lostException("released, but it had been lost before");
    }
    engine.released(this, heldSoFar());
  }

  /** A loss found only by the release: told to the listener and the callbacks, once. */
  private void reportLostAtRelease() {
    log.warn(
        "redmutex: lock '{}' (fencing token {}) was lost before release", name(), fencingToken);
    engine.lost(this);
    lostCallbacks.forEach(this::runCallback);
    lostCallbacks.clear();
  }

  /**
   * Ends this lease without telling anyone, for a lease no caller received (it gave up meanwhile).
   * Returns whether this lease still had the key; its key is then the caller's to give back.
   */
  boolean discard() {
    synchronized (this) {
      if (state != State.HELD) {
        return false;
      }
      state = State.RELEASED;
    }
    return true;
  }

  @Override
  public void close() {
    release();
  }

  private LockLostException lostException(String what, Throwable cause) {
    LockLostException e = lostException(what);
    e.initCause(cause);
    return e;
  }

  private LockLostException lostException(String what) {
    return new LockLostException(
        "lock '"
            + name()
            + "' (fencing token "
            + fencingToken
            + "): "
            + what
            + "; the lease is lost");
  }

  @Override
  public String toString() {
    return "Lease[" + name() + ", fencingToken=" + fencingToken + ", held=" + isHeld() + "]";
  }
}
