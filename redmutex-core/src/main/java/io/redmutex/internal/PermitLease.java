package io.redmutex.internal;

import io.redmutex.Lease;
import io.redmutex.LockLostException;
import io.redmutex.RedMutex;
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
 * One held permit of a semaphore, or read or write hold of a read-write lock: a member of the
 * primitive's holders sorted set, scored by its expiry. Renewed by the client's {@link Renewer}
 * like a mutex's {@link DefaultLease}, with the same rules: the local expiry is measured from when
 * the last confirmed take or extend was sent, so {@link #isHeld()} turns false no later than Redis
 * can count the permit free; only the answer to the latest write moves it.
 */
final class PermitLease implements Lease, Renewer.Renewable {
  private static final Logger log = LoggerFactory.getLogger(PermitLease.class);

  private enum State {
    HELD,
    LOST,
    RELEASED
  }

  private final PermitEngine engine;
  private final PermitSide side;
  private final String member;
  private final long fencingToken;
  private final long acquiredAtNanos;
  private final List<Runnable> lostCallbacks = new CopyOnWriteArrayList<>();

  // Guarded by this.
  private State state = State.HELD;
  private long leaseMillis;
  private long expiresAtNanos;
  private long writesSent;

  PermitLease(
      PermitEngine engine,
      PermitSide side,
      String member,
      long fencingToken,
      long leaseMillis,
      long takenAtNanos) {
    this.engine = engine;
    this.side = side;
    this.member = member;
    this.fencingToken = fencingToken;
    this.acquiredAtNanos = takenAtNanos;
    this.leaseMillis = leaseMillis;
    this.expiresAtNanos = takenAtNanos + TimeUnit.MILLISECONDS.toNanos(leaseMillis);
  }

  @Override
  public String name() {
    return side.name();
  }

  PermitSide side() {
    return side;
  }

  String member() {
    return member;
  }

  @Override
  public long fencingToken() {
    return fencingToken;
  }

  @Override
  public synchronized boolean isHeld() {
    return state == State.HELD && engine.clock().nanoTime() - expiresAtNanos < 0;
  }

  private long renewPeriodNanos() {
    return TimeUnit.MILLISECONDS.toNanos(leaseMillis) / 3;
  }

  /** Starts renewing: first renewal a third of the lease time after the take was sent. */
  synchronized void startRenewal() {
    if (state == State.HELD) {
      engine.holding(this);
      engine.renewer().schedule(this, acquiredAtNanos + renewPeriodNanos());
    }
  }

  private void confirmed(long write, long sentAt, long millis) {
    if (write == writesSent) {
      expiresAtNanos = sentAt + TimeUnit.MILLISECONDS.toNanos(millis);
    }
  }

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
    CompletableFuture<Boolean> renewal = Failures.call(() -> side.extend(member, millis));
    // Unanswered within a renewal period (and no later than the local expiry): failed.
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
            markLost("its lease ended in Redis (expired, or removed by an operator)");
            return;
          }
          synchronized (this) {
            if (state != State.HELD) {
              return;
            }
            long next;
            if (error == null) {
              confirmed(write, sentAt, millis);
              next = sentAt + renewPeriodNanos();
            } else {
              log.warn(
                  "redmutex: renewal of {} failed, retrying: {}",
                  side.describe(),
                  Failures.rootMessage(error));
              long retryAt = engine.clock().nanoTime() + renewPeriodNanos() / 3;
              next = retryAt - expiresAtNanos < 0 ? retryAt : expiresAtNanos;
            }
            engine.renewer().schedule(this, next);
          }
        });
  }

  @Override
  public void extend(Duration leaseTime) {
    long millis = engine.checkLeaseTime(leaseTime);
    long sentAt;
    long write;
    synchronized (this) {
      if (state != State.HELD) {
        throw lostException("cannot extend");
      }
      leaseMillis = millis;
      sentAt = engine.clock().nanoTime();
      write = ++writesSent;
    }
    boolean extended =
        engine.waiting().awaitRetrying(() -> side.extend(member, millis), "extend", name());
    if (!extended) {
      markLost("its lease ended in Redis (expired, or removed by an operator)");
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
      try {
        callback.run();
      } catch (RuntimeException e) {
        log.warn("redmutex: a lease-lost callback threw; ignored", e);
      }
    }
  }

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
    log.warn("redmutex: lost {} (fencing token {}): {}", side.describe(), fencingToken, why);
    runLostCallbacks();
  }

  private void runLostCallbacks() {
    for (Runnable callback : lostCallbacks) {
      if (lostCallbacks.remove(callback)) {
        engine.runCallback("a lease-lost callback", callback);
      }
    }
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
    engine.renewer().cancel(this);
    if (before == State.LOST) {
      throw lostException("released, but it had been lost before");
    }
    boolean[] inDoubt = {false};
    boolean given;
    try {
      given =
          engine
              .waiting()
              .awaitRetrying(
                  () ->
                      side.release(member)
                          .whenComplete(
                              (ok, error) -> {
                                if (error != null) {
                                  inDoubt[0] = true;
                                }
                              }),
                  "release",
                  name());
    } catch (RedisUnavailableException e) {
      engine.notHolding(this, false);
      if (!expired) {
        throw e;
      }
      runLostCallbacks();
      throw lostException("released after its lease time passed without a renewal", e);
    }
    engine.notHolding(this, !given);
    // A try whose reply was lost may have given it back: then a later try finds it gone.
    if (!given && !inDoubt[0]) {
      log.warn("redmutex: {} (fencing token {}) was lost before release", name(), fencingToken);
      runLostCallbacks();
      throw lostException("released, but it had been lost before");
    }
  }

  @Override
  public void releaseAfter(Duration delay) {
    Durations.check("delay", delay, Duration.ZERO, RedMutex.MAX_LEASE_TIME);
    if (delay.isZero()) {
      release();
      return;
    }
    long millis = Math.max(1, delay.toMillis());
    State before;
    synchronized (this) {
      before = state;
      if (before == State.RELEASED) {
        return;
      }
      state = State.RELEASED;
    }
    // Renewal stops before the expiry is sent, so none can push it later.
    engine.renewer().cancel(this);
    if (before == State.LOST) {
      throw lostException("released, but it had been lost before");
    }
    boolean extended;
    try {
      extended =
          engine.waiting().awaitRetrying(() -> side.extend(member, millis), "extend", name());
    } finally {
      // No release will be announced: a waiter here takes now, and learns when the hold ends.
      engine.notHolding(this, true);
    }
    if (!extended) {
      log.warn("redmutex: {} (fencing token {}) was lost before release", name(), fencingToken);
      runLostCallbacks();
      throw lostException("released, but it had been lost before");
    }
  }

  /** Stops renewal without a round trip, for close; returns whether it was held. */
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
        side.describe() + " (fencing token " + fencingToken + "): " + what + "; the lease is lost");
  }

  @Override
  public String toString() {
    return "Lease["
        + side.describe()
        + ", fencingToken="
        + fencingToken
        + ", held="
        + isHeld()
        + "]";
  }
}
