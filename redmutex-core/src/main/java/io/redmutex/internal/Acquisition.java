package io.redmutex.internal;

import io.redmutex.LockException;
import io.redmutex.LockTimeoutException;
import io.redmutex.RedisUnavailableException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One acquire, from the first take to a lease or a failure; runs on I/O and scheduler threads and
 * never blocks.
 *
 * <p>The loop: take; if busy, join the lock's wake-up channel and, once subscribed, take again (so
 * a release between the first take and the subscription is not missed); then park until a release
 * is announced or the fallback timer fires (the holder's remaining TTL; at most {@link
 * #MAX_POLL_NANOS} for holders that do not announce releases), and take again. All takes of one
 * acquisition carry the same token, so a replayed or repeated take is harmless. If the acquisition
 * ends without a lease while a take's outcome is in doubt (timeout, lost connection, or it
 * succeeded after the caller gave up), the token is released, so no lock is left held by nobody.
 */
final class Acquisition {
  /** Fallback poll when no release is announced: holders in other languages do not announce. */
  static final long MAX_POLL_NANOS = TimeUnit.SECONDS.toNanos(1);

  private static final long MIN_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
  private static final long MAX_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

  private final LockEngine engine;
  private final LockKeys keys;
  private final String token;
  private final long leaseMillis;
  private final Deadline deadline;
  private final CompletableFuture<DefaultLease> result = new CompletableFuture<>();

  // All guarded by this.
  private WakeUps.Channel channel;
  private boolean parked;
  private ScheduledFuture<?> retryTimer;
  private ScheduledFuture<?> deadlineTimer;
  private boolean takeInDoubt;
  private boolean claimed; // for a hand-off, whose outcome decides who releases our token
  private int failuresInARow;
  private Throwable lastFailure;

  Acquisition(LockEngine engine, LockKeys keys, String token, long leaseMillis, Deadline deadline) {
    this.engine = engine;
    this.keys = keys;
    this.token = token;
    this.leaseMillis = leaseMillis;
    this.deadline = deadline;
  }

  CompletableFuture<DefaultLease> result() {
    return result;
  }

  String name() {
    return keys.name();
  }

  Deadline deadline() {
    return deadline;
  }

  String token() {
    return token;
  }

  long leaseMillis() {
    return leaseMillis;
  }

  /**
   * Starts. With {@code armDeadline}, a timer ends the acquisition at its deadline; without, the
   * caller must call {@link #expire()} at the deadline (a blocking caller does, from its own timed
   * wait, which spares the scheduler a timer per acquire).
   */
  void start(boolean armDeadline) {
    synchronized (this) {
      if (armDeadline && deadline.isFinite() && !deadline.hasExpired()) {
        deadlineTimer =
            engine.schedule(this::expire, deadline.remainingNanos(), TimeUnit.NANOSECONDS);
      }
    }
    if (!queueBehindLocalHolder()) {
      attempt();
    }
  }

  /**
   * When waiters here are already subscribed to the lock's releases and another lease of this
   * client holds it, parks without a take: the lock comes by hand-off, by a release message, or
   * when the local lease is lost (which wakes a waiter here); that saves a take that would only be
   * refused. Right after this client ended a run of hand-offs, parks for {@link
   * WakeUps#YIELD_NANOS} at most, so that other clients' waiters get a fair chance.
   */
  private boolean queueBehindLocalHolder() {
    WakeUps.Channel subscribed = engine.wakeUps().joinIfSubscribed(keys.channel());
    if (subscribed == null) {
      return false;
    }
    synchronized (this) {
      if (result.isDone()) { // cancelled already
        engine.wakeUps().leave(subscribed);
        return true;
      }
      channel = subscribed; // from here on, cleanUp() leaves it
      long seen = subscribed.releases();
      // Behind a lease of this client, wait to be handed the lock (or for its release or loss);
      // right after this client ended a run of hand-offs, give other clients a head start.
      long yielding = subscribed.yieldingNanos();
      long wait =
          engine.heldHere(keys.key()) ? TimeUnit.MILLISECONDS.toNanos(leaseMillis) : yielding;
      if (wait == 0 || !subscribed.park(this, seen)) {
        return false; // take now
      }
      parked = true;
      retryTimer =
          engine.schedule(
              this::onRetryTimer, Math.min(wait, deadline.remainingNanos()), TimeUnit.NANOSECONDS);
      return true;
    }
  }

  private void attempt() {
    long seen;
    synchronized (this) {
      if (result.isDone()) {
        return;
      }
      parked = false;
      cancelRetryTimer();
      seen = channel == null ? -1 : channel.releases();
      takeInDoubt = true;
    }
    long sentAt = engine.clock().nanoTime();
    Failures.call(() -> engine.driver().take(keys, token, leaseMillis, engine.taker()))
        .whenComplete((answer, error) -> onAnswer(answer, error, seen, sentAt, 0));
  }

  /**
   * @param handOffsInARow for a scripted hand-off: the run of hand-offs in this client it continues
   */
  private void onAnswer(
      TakeResult answer, Throwable error, long seen, long sentAt, int handOffsInARow) {
    if (error == null && answer.acquired()) {
      HeldKey key =
          new HeldKey(
              engine,
              keys,
              token,
              answer.fencingToken(),
              answer.clockFenced(),
              leaseMillis,
              sentAt,
              handOffsInARow);
      key.startRenewal(); // before the caller can see the lease, so that close() finds it
      if (!deliver(key.firstLease())) {
        engine.handOff().abandon(key.firstLease()); // the caller gave up meanwhile
      }
      return;
    }
    Runnable next = null;
    synchronized (this) {
      if (result.isDone()) {
        // Gave up meanwhile; a take in doubt was released then. But that release may have reached
        // Redis first (a thread stalled before sending, a command re-sent), and a take with no
        // answer may have taken: release again, behind it.
        if (error != null) {
          engine.handOff().releaseQuietly(keys, token, 0);
        }
        return;
      }
      if (error != null) {
        if (Failures.unwrap(error) instanceof LockException reported) {
          fail(reported); // e.g. not enough replicas acknowledged: the driver gave it back
          return;
        }
        if (!Failures.isTransient(error)) {
          fail(
              new LockException(
                  "cannot acquire lock '"
                      + keys.name()
                      + "': Redis answered "
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
      if (deadline.hasExpired()) {
        fail(timedOut());
        return;
      }
      if (channel == null) {
        channel = engine.wakeUps().join(keys.channel());
        WakeUps.Channel joined = channel;
        // Take again once subscribed (or once subscribing failed: timed retries still work).
        next = () -> joined.subscribed().whenComplete((ok, subscribeError) -> attempt());
      } else if (!channel.park(this, seen)) {
        next = this::attempt; // a release was announced while our take was in flight
      } else {
        parked = true;
        retryTimer =
            engine.schedule(
                this::onRetryTimer,
                fallbackDelayNanos(answer, deadline.remainingNanos()),
                TimeUnit.NANOSECONDS);
      }
    }
    if (next != null) {
      next.run();
    }
  }

  /**
   * How long to park before trying again without a release message: until the holder's key expires,
   * and never past the deadline. A holder that does not announce its release (a client of another
   * library) is polled at least every {@link #MAX_POLL_NANOS}.
   */
  static long fallbackDelayNanos(TakeResult busy, long remainingNanos) {
    long ttl = busy.holderTtlMillis();
    long delay;
    if (ttl == -2) {
      delay = 0; // the key vanished between our take and the PTTL inside it: try again at once
    } else if (ttl < 0) {
      delay = MAX_POLL_NANOS; // a key without TTL, written by someone else
    } else {
      delay = TimeUnit.MILLISECONDS.toNanos(ttl + 1);
      if (!busy.holderAnnounces()) {
        delay = Math.min(delay, MAX_POLL_NANOS);
      }
    }
    return Math.min(delay, remainingNanos);
  }

  /**
   * Claims this parked waiter for a direct hand-off (see {@link WakeUps.Channel#claimForHandOff});
   * false if it no longer waits. Until {@link #handedOver} or {@link #unclaim}, neither a release
   * message nor its timer wakes it; if it gives up meanwhile, its token is released.
   */
  boolean claim() {
    synchronized (this) {
      if (!parked || result.isDone()) {
        return false;
      }
      parked = false;
      cancelRetryTimer();
      claimed = true;
      return true;
    }
  }

  /** Completes the acquisition with {@code lease}; false if it ended meanwhile. */
  private boolean deliver(DefaultLease lease) {
    if (!result.complete(lease)) {
      return false;
    }
    synchronized (this) {
      takeInDoubt = false;
      cleanUp();
    }
    engine.acquired(lease, deadline.elapsed());
    return true;
  }

  /**
   * The lock was handed to this waiter's token by a script ({@code handed}). If the waiter gave up
   * meanwhile, the lock is released.
   */
  void handedOver(TakeResult handed, long sentAt, int handOffsInARow) {
    synchronized (this) {
      claimed = false;
    }
    onAnswer(handed, null, -1, sentAt, handOffsInARow);
  }

  /**
   * A local hand-off: this claimed waiter gets {@code lease}, of a key this client holds already;
   * false if it gave up meanwhile (the lease is then the caller's to pass on).
   */
  boolean handedOverLocally(DefaultLease lease) {
    synchronized (this) {
      claimed = false;
    }
    return deliver(lease);
  }

  /**
   * The hand-off did not happen, or ({@code inDoubt}) its outcome is unknown: take the lock again
   * now, with the same token, so that a hand-off that did happen is found. If the waiter gave up
   * meanwhile, a hand-off in doubt is undone by releasing the token.
   */
  void unclaim(boolean inDoubt) {
    synchronized (this) {
      claimed = false;
      if (result.isDone()) {
        if (inDoubt) {
          engine.handOff().releaseQuietly(keys, token, 0);
        }
        return;
      }
      if (inDoubt) {
        takeInDoubt = true;
      }
    }
    attempt();
  }

  /**
   * Called by {@link WakeUps} on a release; false if this acquisition no longer waits. Right after
   * this client ended a run of hand-offs, the take waits out the yield (see {@link
   * WakeUps#YIELD_NANOS}), so that a waiter in another client, woken by the same release, goes
   * first.
   */
  boolean wake() {
    synchronized (this) {
      if (!parked || result.isDone()) {
        return false;
      }
      parked = false;
      long yielding = channel.yieldingNanos();
      if (yielding > 0) {
        cancelRetryTimer();
        retryTimer =
            engine.schedule(
                this::attempt, Math.min(yielding, deadline.remainingNanos()), TimeUnit.NANOSECONDS);
        return true;
      }
    }
    attempt();
    return true;
  }

  private void onRetryTimer() {
    synchronized (this) {
      if (!parked || result.isDone()) {
        return;
      }
      parked = false;
      channel.unpark(this);
    }
    attempt();
  }

  /** Ends the acquisition at its deadline, unless it already ended. */
  void expire() {
    synchronized (this) {
      if (!result.isDone()) {
        fail(failuresInARow > 0 ? unavailable() : timedOut());
      }
    }
  }

  /** Stops waiting, e.g. on interrupt or cancellation; a take in doubt is released. */
  void cancel(LockException reason) {
    synchronized (this) {
      fail(reason);
    }
  }

  // Called with this held.
  private void fail(LockException e) {
    if (!result.completeExceptionally(e)) {
      return;
    }
    cleanUp();
    // While claimed, the hand-off's outcome decides (handedOver / unclaim): a release sent now
    // could overtake the hand-off and leave the lock to a token nobody holds.
    if (takeInDoubt && !claimed) {
      engine.handOff().releaseQuietly(keys, token, 0);
    }
    engine.acquireFailed(keys.name(), deadline.elapsed(), e);
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
        "lock '"
            + keys.name()
            + "' is held by another owner; gave up after waiting "
            + Durations.format(deadline.elapsed()));
  }

  private RedisUnavailableException unavailable() {
    return new RedisUnavailableException(
        "cannot acquire lock '"
            + keys.name()
            + "': Redis at "
            + engine.driver().describe()
            + " did not answer within "
            + Durations.format(deadline.elapsed())
            + " ("
            + Failures.rootMessage(lastFailure)
            + ")",
        Failures.unwrap(lastFailure));
  }
}
