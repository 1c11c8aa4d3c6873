package io.redmutex.internal;

import io.redmutex.LockException;
import io.redmutex.LockTimeoutException;
import io.redmutex.RedisUnavailableException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One acquire of a semaphore's permit or a read-write lock's hold, as a mutex's {@link Acquisition}
 * waits: take; if busy, join the primitive's wake-up channel and take again once subscribed; then
 * park until a release is announced (one retry per release per client) or the fallback timer fires
 * (when the first holder's lease can end), never a poll loop. A take that finds more free (another
 * permit, a read beside reads) wakes the next waiter of this client, so that one release message
 * lets every local waiter in that can get in. All takes carry the same member, so a repeated take
 * is harmless; a take in doubt when the acquire ends is given back, and a writer that stops waiting
 * withdraws its hold on new readers.
 */
final class PermitAcquisition implements WakeUps.Waiter {
  private static final long MIN_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
  private static final long MAX_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

  private final PermitEngine engine;
  private final PermitSide side;
  private final String member;
  private final String downgradeFrom;
  private final long leaseMillis;
  private final Deadline deadline;
  private final CompletableFuture<PermitLease> result = new CompletableFuture<>();

  // All guarded by this.
  private boolean ended; // decided before the result is completed, see failWith
  private WakeUps.Channel channel;
  private boolean parked;
  private ScheduledFuture<?> retryTimer;
  private ScheduledFuture<?> deadlineTimer;
  private boolean takeInDoubt;
  private boolean busyOnce; // a writer's busy take may have left its intent
  private int failuresInARow;
  private Throwable lastFailure;

  PermitAcquisition(
      PermitEngine engine,
      PermitSide side,
      String member,
      String downgradeFrom,
      long leaseMillis,
      Deadline deadline) {
    this.engine = engine;
    this.side = side;
    this.member = member;
    this.downgradeFrom = downgradeFrom;
    this.leaseMillis = leaseMillis;
    this.deadline = deadline;
  }

  CompletableFuture<PermitLease> result() {
    return result;
  }

  Deadline deadline() {
    return deadline;
  }

  PermitSide side() {
    return side;
  }

  void start(boolean armDeadline) {
    synchronized (this) {
      if (armDeadline && deadline.isFinite() && !deadline.hasExpired()) {
        deadlineTimer =
            engine.schedule(this::expire, deadline.remainingNanos(), TimeUnit.NANOSECONDS);
      }
    }
    attempt();
  }

  private void attempt() {
    long seen;
    synchronized (this) {
      if (ended) {
        return;
      }
      parked = false;
      cancelRetryTimer();
      seen = channel == null ? -1 : channel.releases();
      takeInDoubt = true;
    }
    long sentAt = engine.clock().nanoTime();
    Failures.call(() -> side.take(member, leaseMillis, engine.clientId(), downgradeFrom))
        .whenComplete((answer, error) -> onAnswer(answer, error, seen, sentAt));
  }

  private void onAnswer(PermitSide.Take answer, Throwable error, long seen, long sentAt) {
    if (error == null && answer.acquired()) {
      PermitLease lease =
          new PermitLease(engine, side, member, answer.value(), leaseMillis, sentAt);
      lease.startRenewal(); // before the caller can see it, so that close() finds it
      WakeUps.Channel joined = null;
      boolean late;
      synchronized (this) {
        late = ended;
        if (!late) {
          ended = true;
          takeInDoubt = false;
          joined = channel;
          cleanUp();
        }
      }
      if (late) {
        lease.abandon(); // the caller gave up meanwhile
        engine.releaseQuietly(side, member);
        return;
      }
      result.complete(lease);
      if (joined != null && answer.free() > 0) {
        // More can get in: pass the release on to the next waiter here.
        engine.wakeUps().announceLocally(side.keys().channel());
      }
      return;
    }
    Runnable next = null;
    synchronized (this) {
      if (ended) {
        // The acquire ended while this take was on its way, and what the ending sent may have
        // reached Redis first (a thread stalled before sending, a command re-sent): send it again,
        // behind this take. A take with no answer may have taken; a writer's busy take has left
        // its intent again.
        if (error != null) {
          engine.releaseQuietly(side, member);
        }
        engine.withdrawQuietly(side, member);
        return;
      }
      if (error != null) {
        if (!Failures.isTransient(error)) {
          fail(
              new LockException(
                  "cannot acquire "
                      + side.describe()
                      + ": Redis answered "
                      + Failures.rootMessage(error),
                  Failures.unwrap(error)));
          return;
        }
        failuresInARow++;
        lastFailure = error;
        if (deadline.hasExpired()) {
          fail(unavailable());
          return;
        }
        long backoff =
            Math.min(MAX_BACKOFF_NANOS, MIN_BACKOFF_NANOS << Math.min(failuresInARow, 6));
        retryTimer =
            engine.schedule(
                this::attempt, Math.min(backoff, deadline.remainingNanos()), TimeUnit.NANOSECONDS);
        return;
      }
      takeInDoubt = false;
      failuresInARow = 0;
      if (answer.status() < 0) {
        takeInDoubt = false;
        failWith(
            new IllegalStateException(
                side.describe()
                    + " is in use with "
                    + answer.value()
                    + " permits in Redis, but this client asked for "
                    + side.permits()
                    + "; every client of one semaphore must give the same number"));
        return;
      }
      busyOnce = true;
      if (deadline.hasExpired()) {
        fail(timedOut());
        return;
      }
      if (channel == null) {
        channel = engine.wakeUps().join(side.keys().channel());
        WakeUps.Channel joined = channel;
        next = () -> joined.subscribed().whenComplete((ok, subscribeError) -> attempt());
      } else if (!channel.park(this, seen)) {
        next = this::attempt; // a release was announced while the take was in flight
      } else {
        parked = true;
        long delay = TimeUnit.MILLISECONDS.toNanos(Math.max(answer.value(), 0) + 1);
        retryTimer =
            engine.schedule(
                this::onRetryTimer,
                Math.min(delay, deadline.remainingNanos()),
                TimeUnit.NANOSECONDS);
      }
    }
    if (next != null) {
      next.run();
    }
  }

  @Override
  public boolean wakesFirst() {
    return side.kind() == PermitSide.Kind.WRITE;
  }

  @Override
  public boolean wake() {
    synchronized (this) {
      if (!parked || ended) {
        return false;
      }
      parked = false;
    }
    attempt();
    return true;
  }

  private void onRetryTimer() {
    synchronized (this) {
      if (!parked || ended) {
        return;
      }
      parked = false;
      channel.unpark(this);
    }
    attempt();
  }

  /** Ends the acquire at its deadline, unless it already ended. */
  void expire() {
    synchronized (this) {
      if (!ended) {
        fail(failuresInARow > 0 ? unavailable() : timedOut());
      }
    }
  }

  /** Stops waiting (interrupt, cancellation, close); a take in doubt is given back. */
  void cancel(LockException reason) {
    synchronized (this) {
      fail(reason);
    }
  }

  // Called with this held.
  private void fail(LockException e) {
    failWith(e);
  }

  // Called with this held.
  // What the ending sends goes before the caller can see the end: a thread whose write was refused
  // and that reads next must not find its own writer's intent still there.
  private void failWith(RuntimeException e) {
    if (ended) {
      return;
    }
    ended = true;
    cleanUp();
    if (takeInDoubt) {
      engine.releaseQuietly(side, member);
    }
    if (busyOnce || takeInDoubt) {
      engine.withdrawQuietly(side, member);
    }
    result.completeExceptionally(e);
  }

  // Called with this held.
  private void cleanUp() {
    cancelRetryTimer();
    if (deadlineTimer != null) {
      deadlineTimer.cancel(false);
      deadlineTimer = null;
    }
    if (channel != null) {
      if (parked) {
        channel.unpark(this);
      }
      engine.wakeUps().leave(channel);
      channel = null;
    }
    parked = false;
  }

  private void cancelRetryTimer() {
    if (retryTimer != null) {
      retryTimer.cancel(false);
      retryTimer = null;
    }
  }

  private LockTimeoutException timedOut() {
    return new LockTimeoutException(
        side.describe()
            + (side.kind() == PermitSide.Kind.PERMIT
                ? ": all " + side.permits() + " permits are held"
                : " is held")
            + "; gave up after waiting "
            + Durations.format(deadline.elapsed()));
  }

  private RedisUnavailableException unavailable() {
    return new RedisUnavailableException(
        "cannot acquire "
            + side.describe()
            + ": Redis at "
            + engine.describeServer()
            + " did not answer within "
            + Durations.format(deadline.elapsed())
            + " ("
            + Failures.rootMessage(lastFailure)
            + ")",
        Failures.unwrap(lastFailure));
  }
}
