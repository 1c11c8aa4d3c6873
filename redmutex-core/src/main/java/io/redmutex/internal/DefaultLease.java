package io.redmutex.internal;

import io.redmutex.Lease;
import io.redmutex.LockLostException;
import io.redmutex.RedisUnavailableException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A held lease: its token and fencing token, its local view of when it expires, and its renewal.
 *
 * <p>The local expiry is measured from when the last successful take or extend was <em>sent</em>,
 * so it is never later than the key's expiry in Redis: {@link #isHeld()} turns false no later than
 * the key can vanish, even when Redis cannot be reached.
 */
final class DefaultLease implements Lease, Renewer.Renewable {
  private static final Logger log = LoggerFactory.getLogger(DefaultLease.class);

  private enum State {
    HELD,
    LOST,
    RELEASED
  }

  private final LockEngine engine;
  private final LockKeys keys;
  private final String token;
  private final long fencingToken;
  private final long acquiredAtNanos;
  private final List<Runnable> lostCallbacks = new CopyOnWriteArrayList<>();

  // Guarded by this.
  private State state = State.HELD;
  private long leaseMillis; // the length the next write (renewal or extend) sends
  private long expiresAtNanos; // see confirmed()
  private long writesSent; // renewals and extends sent, numbering their answers

  DefaultLease(
      LockEngine engine,
      LockKeys keys,
      String token,
      long fencingToken,
      long leaseMillis,
      long takenAtNanos) {
    this.engine = engine;
    this.keys = keys;
    this.token = token;
    this.fencingToken = fencingToken;
    this.acquiredAtNanos = takenAtNanos;
    this.leaseMillis = leaseMillis;
    this.expiresAtNanos = takenAtNanos + TimeUnit.MILLISECONDS.toNanos(leaseMillis);
  }

  @Override
  public String name() {
    return keys.name();
  }

  LockKeys keys() {
    return keys;
  }

  String token() {
    return token;
  }

  @Override
  public long fencingToken() {
    return fencingToken;
  }

  @Override
  public synchronized boolean isHeld() {
    return state == State.HELD && engine.clock().nanoTime() - expiresAtNanos < 0;
  }

  /** Starts renewing: first renewal a third of the lease time after the take was sent. */
  synchronized void startRenewal() {
    if (state == State.HELD) {
      engine.holding(this);
      engine.renewer().schedule(this, acquiredAtNanos + renewPeriodNanos());
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
      if (untilExpiry <= 0) {
        markLost("its lease time passed without a successful renewal");
        return;
      }
      millis = leaseMillis;
      write = ++writesSent;
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
          synchronized (this) {
            if (state != State.HELD) {
              return; // released meanwhile: never reschedule (no renewal after release)
            }
            long next;
            if (error == null) {
              confirmed(write, sentAt, millis);
              next = sentAt + renewPeriodNanos();
              engine.renewed(this);
            } else {
              log.warn(
                  "redmutex: renewal of lock '{}' failed, retrying: {}",
                  keys.name(),
                  Failures.rootMessage(error));
              // Retry soon, and no later than the local expiry, which then reports the loss.
              long retryAt = engine.clock().nanoTime() + renewPeriodNanos() / 3;
              next = retryAt - expiresAtNanos < 0 ? retryAt : expiresAtNanos;
            }
            engine.renewer().schedule(this, next);
          }
        });
  }

  @Override
  public void extend(Duration leaseTime) {
    long millis = engine.checkLeaseTime("leaseTime", leaseTime).toMillis();
    long sentAt;
    long write;
    synchronized (this) {
      if (state != State.HELD) {
        throw lostException("cannot extend");
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
      throw lostException("cannot extend");
    }
    synchronized (this) {
      if (state != State.HELD) {
        throw lostException("cannot extend");
      }
      confirmed(write, sentAt, millis);
      engine.renewer().schedule(this, sentAt + renewPeriodNanos());
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

  /** Marks the lease lost, once: stops renewal, then tells the listener and the callbacks. */
  @Override
  public void markLost(String why) {
    synchronized (this) {
      if (state != State.HELD) {
        return;
      }
      state = State.LOST;
    }
    engine.renewer().cancel(this);
    engine.notHolding(this, true);
    log.warn("redmutex: lost lock '{}' (fencing token {}): {}", keys.name(), fencingToken, why);
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

  @Override
  public void release() {
    State before;
    boolean expired;
    synchronized (this) {
      before = state;
      if (before == State.RELEASED) {
        return;
      }
      state = State.RELEASED;
      expired = engine.clock().nanoTime() - expiresAtNanos >= 0;
    }
    // Renewal stops before the release is sent, whatever happens next.
    engine.renewer().cancel(this);
    engine.notHolding(this, false);
    if (before == State.LOST) {
      // Found lost already (and told): the key is someone else's business now; never touch it.
      throw lostException("released, but it had been lost before");
    }
    boolean deleted;
    try {
      deleted = engine.handOff().giveBack(this);
    } catch (RedisUnavailableException e) {
      if (!expired) {
        throw e;
      }
      // Its lease time had passed unconfirmed: the loss is the news, not the unreachable server.
      reportLostAtRelease();
      throw lostException("released after its lease time passed without a renewal", e);
    }
    if (!deleted) {
      reportLostAtRelease();
      // Nothing was deleted, so nothing was announced: waiters here must not wait for it.
      engine.wakeUps().announceLocally(keys.channel());
      throw lostException("released, but it had been lost before");
    }
    engine.released(this, Duration.ofNanos(engine.clock().nanoTime() - acquiredAtNanos));
  }

  /** A loss found only by the release: told to the listener and the callbacks, once. */
  private void reportLostAtRelease() {
    log.warn(
        "redmutex: lock '{}' (fencing token {}) was lost before release", name(), fencingToken);
    engine.lost(this);
    lostCallbacks.forEach(this::runCallback);
    lostCallbacks.clear();
  }

  /** Stops renewal without a round trip, for {@code RedMutex.close()}; returns whether held. */
  synchronized boolean abandon() {
    boolean held = state == State.HELD;
    state = State.RELEASED;
    engine.renewer().cancel(this);
    engine.notHolding(this, false);
    return held;
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
