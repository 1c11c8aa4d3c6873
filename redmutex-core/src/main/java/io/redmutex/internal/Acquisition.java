package io.redmutex.internal;

import io.redmutex.LockException;
import io.redmutex.LockTimeoutException;
import io.redmutex.RedisUnavailableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One acquire of any primitive (a lock, on one Redis or by Redlock, a semaphore's permit, a
 * read-write lock's read or write), from its first take to a lease or a failure: the one state
 * machine every acquire moves through. What differs per primitive (the take's script, what its
 * answer means, what gives a take back) is its {@link Takes}; everything about time, order and late
 * answers is decided here, and only here.
 *
 * <pre>
 *   NEW ──take──▶ TAKING ──taken──────────────────────────────▶ HELD
 *                  │  ▲  ──busy, first──▶ SUBSCRIBING ──┐
 *                  │  └──────────────────────────────────┘ (subscribed: take again)
 *                  │  ▲  ──busy──▶ PARKED ──release / fallback timer──┐
 *                  │  └───────────────────────────────────────────────┘
 *                  │  ▲  ──failed try──▶ RETRYING ──backoff──┐
 *                  │  └──────────────────────────────────────┘
 *   PARKED ──claimed for a hand-off──▶ CLAIMED ──handed over──▶ HELD / ──not──▶ RETRYING
 *   any state but HELD ──deadline, cancel, close, refusal──▶ FAILED
 * </pre>
 *
 * <p><b>One lock, one order.</b> Every change of state is made under this object's lock. The
 * effects of the change that ends the acquire are decided there and carried out after it, always in
 * this order: the commands (the give-back of a take in doubt, a writer's withdrawal), then the
 * listener's event, then the caller's result. So a caller never sends before its own acquire's
 * give-back, and never has its next event told before this acquire's.
 *
 * <p><b>Late answers</b> (a take answered after the acquire ended) are handled in {@link #late}:
 * taken, the lease nobody received is given back; not answered (it may have taken, after the
 * give-back reached Redis), the give-back is sent again, behind it; busy, what a busy take leaves
 * in Redis (the client among the waiters, a writer's intent) is taken back again.
 *
 * <p>All takes of one acquire carry the same owner (a lock's token, a permit's member), so a
 * replayed or repeated take is harmless. Runs on I/O and scheduler threads and never blocks.
 */
final class Acquisition<L> {
  /** Fallback poll when no release is announced: holders in other languages do not announce. */
  static final long MAX_POLL_NANOS = TimeUnit.SECONDS.toNanos(1);

  private static final long MIN_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
  private static final long MAX_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

  /** What an acquire is doing now; see the class's diagram. */
  enum State {
    NEW,
    /** A take is on its way to Redis, unanswered. */
    TAKING,
    /** Answered busy once: waits for the wake-up subscription before it takes again. */
    SUBSCRIBING,
    /** Parked on the wake-up channel until a release, a hand-off or its fallback timer. */
    PARKED,
    /**
     * About to take again: now, after a backoff, or after the yield that ends a run of hand-offs.
     */
    RETRYING,
    /** Claimed by a holder of this client for a hand-off, whose outcome decides. */
    CLAIMED,
    HELD,
    FAILED;

    boolean ended() {
      return this == HELD || this == FAILED;
    }
  }

  /** A take's answer, as this state machine reads it. */
  record Answer<L>(L lease, long retryDelayNanos, RuntimeException refusal, boolean moreFree) {
    /** Taken; {@code moreFree}: more could be taken now (another permit, a read beside reads). */
    static <L> Answer<L> taken(L lease, boolean moreFree) {
      return new Answer<>(lease, 0, null, moreFree);
    }

    /** Busy; try again after {@code retryDelayNanos} without a release message. */
    static <L> Answer<L> busy(long retryDelayNanos) {
      return new Answer<>(null, retryDelayNanos, null, false);
    }

    /** Refused for good (e.g. a semaphore in use with another number of permits). */
    static <L> Answer<L> refused(RuntimeException refusal) {
      return new Answer<>(null, 0, refusal, false);
    }
  }

  /** What one kind of acquire sends, and makes of the answers. */
  interface Takes<L> {
    /** What messages call it: {@code lock 'x'}, {@code semaphore 'x'}, {@code read lock 'x'}. */
    String describe();

    /** Why a busy acquire gave up, before "; gave up after waiting ...". */
    String heldMessage();

    /** Its wake-up channel. */
    String channel();

    /** Sends one take, sent at {@code sentAt} on the engine's clock. */
    CompletableFuture<Answer<L>> take(long sentAt);

    /**
     * Before the first take, when this client already has a confirmed subscription to the channel:
     * how long to park instead of taking (0 = take now).
     */
    long parkBeforeFirstTakeNanos(WakeUps.Channel subscribed);

    /**
     * Parks {@code waiter} on {@code channel}, unless a release was announced since {@code seen}.
     */
    boolean park(WakeUps.Channel channel, Acquisition<L> waiter, long seen);

    /** Whether it goes ahead of the waiters parked before it (see {@link WakeUps.Channel}). */
    boolean wakesFirst();

    /** Gives back a take in doubt (it may have taken), without waiting. */
    void giveBack();

    /**
     * Takes back what a busy take leaves in Redis besides the waiters entry (a writer's intent).
     */
    void withdraw();

    /** Gives back, without waiting, a lease that no caller received. */
    void abandon(L lease);

    /** Tells the listener. */
    void acquired(L lease, Duration waited);

    /** Tells the listener. */
    void acquireFailed(Duration waited, LockException cause);
  }

  private final LockEngine engine;
  private final Takes<L> takes;
  private final String owner;
  private final long leaseMillis;
  private final Deadline deadline;
  private final CompletableFuture<L> result = new CompletableFuture<>();

  // All guarded by this.
  private State state = State.NEW;
  private WakeUps.Channel channel;
  private ScheduledFuture<?> retryTimer;
  private ScheduledFuture<?> deadlineTimer;
  private boolean takeInDoubt; // a take was sent whose outcome is unknown
  private boolean answeredBusy; // a busy take may have left a writer's intent
  private boolean handOffDecides; // ended while claimed: the hand-off's outcome gives back
  private int failuresInARow;
  private Throwable lastFailure;

  Acquisition(
      LockEngine engine, Takes<L> takes, String owner, long leaseMillis, Deadline deadline) {
    this.engine = engine;
    this.takes = takes;
    this.owner = owner;
    this.leaseMillis = leaseMillis;
    this.deadline = deadline;
  }

  /** Completes with the lease, or fails; only ever after the ending's commands and event. */
  CompletableFuture<L> result() {
    return result;
  }

  String describe() {
    return takes.describe();
  }

  Deadline deadline() {
    return deadline;
  }

  /** What every take of this acquire carries: a lock's token, a permit's member. */
  String owner() {
    return owner;
  }

  long leaseMillis() {
    return leaseMillis;
  }

  synchronized State state() {
    return state;
  }

  /**
   * Starts. With {@code armDeadline}, a timer ends the acquire at its deadline; without, the caller
   * must call {@link #expire()} at the deadline (a blocking caller does, from its own timed wait,
   * which spares the scheduler a timer per acquire).
   */
  void start(boolean armDeadline) {
    synchronized (this) {
      if (armDeadline && deadline.isFinite() && !deadline.hasExpired()) {
        deadlineTimer =
            engine.schedule(this::expire, deadline.remainingNanos(), TimeUnit.NANOSECONDS);
      }
    }
    if (!parkBeforeFirstTake()) {
      take(State.NEW);
    }
  }

  /**
   * When this client is subscribed to the channel already and its kind says so (a lock held by
   * another lease here: wait to be handed it; right after a run of hand-offs: the yield), parks
   * without a take, which would only be refused.
   */
  private boolean parkBeforeFirstTake() {
    WakeUps.Channel subscribed = engine.wakeUps().joinIfSubscribed(takes.channel());
    if (subscribed == null) {
      return false;
    }
    synchronized (this) {
      if (state != State.NEW) { // ended already (cancelled, closed)
        engine.wakeUps().leave(subscribed);
        return true;
      }
      channel = subscribed; // from here on, cleanUp() leaves it
      long seen = subscribed.releases();
      long wait = takes.parkBeforeFirstTakeNanos(subscribed);
      if (wait <= 0 || !takes.park(subscribed, this, seen)) {
        return false; // take now
      }
      state = State.PARKED;
      retryTimer =
          engine.schedule(
              this::onRetryTimer, Math.min(wait, deadline.remainingNanos()), TimeUnit.NANOSECONDS);
      return true;
    }
  }

  /**
   * Sends a take, if this acquire is still in state {@code from} (else another path went on). The
   * take is handed to the driver under this lock, so that a give-up, decided under it too, always
   * sends its give-back after the take: on one connection, the give-back cannot reach Redis first.
   * The answer is read after the lock.
   */
  private void take(State from) {
    long seen;
    CompletableFuture<Answer<L>> sent;
    synchronized (this) {
      if (state != from) {
        return;
      }
      state = State.TAKING;
      cancelRetryTimer();
      seen = channel == null ? -1 : channel.releases();
      takeInDoubt = true;
      long sentAt = engine.clock().nanoTime();
      sent = Failures.call(() -> takes.take(sentAt));
    }
    sent.whenComplete((answer, error) -> onAnswer(answer, error, seen));
  }

  private void onAnswer(Answer<L> answer, Throwable error, long seen) {
    List<Runnable> effects = new ArrayList<>();
    synchronized (this) {
      if (state.ended()) {
        late(answer, error, effects);
      } else if (error != null) {
        failedTry(error, effects);
      } else if (answer.lease() != null) {
        deliver(answer.lease(), answer.moreFree(), null, effects);
      } else if (answer.refusal() != null) {
        takeInDoubt = false;
        end(answer.refusal(), effects);
      } else {
        busy(answer.retryDelayNanos(), seen, effects);
      }
    }
    effects.forEach(Runnable::run);
  }

  // ---- transitions; each called with this held, each adds its effects, run after the lock ----

  /**
   * A take answered after the acquire ended. What the ending sent may have reached Redis before the
   * take (a thread stalled before sending, a command re-sent): send it again, behind the take.
   */
  private void late(Answer<L> answer, Throwable error, List<Runnable> effects) {
    if (error != null) {
      effects.add(takes::giveBack); // no answer: it may have taken
      effects.add(takes::withdraw);
    } else if (answer.lease() != null) {
      L lease = answer.lease();
      effects.add(() -> takes.abandon(lease)); // taken: nobody received it
    } else if (answer.refusal() == null) {
      // Busy: Redis entered this client among the waiters again, and a writer's intent again.
      String waitedOn = takes.channel();
      effects.add(() -> engine.wakeUps().unwaitUnlessWaiting(waitedOn));
      effects.add(takes::withdraw);
    }
  }

  private void failedTry(Throwable error, List<Runnable> effects) {
    if (Failures.unwrap(error) instanceof LockException reported) {
      end(reported, effects); // e.g. too few replicas acknowledged (given back once more)
      return;
    }
    if (!Failures.isTransient(error)) {
      end(
          new LockException(
              "cannot acquire "
                  + takes.describe()
                  + ": Redis answered "
                  + Failures.rootMessage(error),
              Failures.unwrap(error)),
          effects);
      return;
    }
    failuresInARow++;
    lastFailure = error;
    if (deadline.hasExpired()) {
      end(unavailable(), effects);
      return;
    }
    long backoff = Math.min(MAX_BACKOFF_NANOS, MIN_BACKOFF_NANOS << Math.min(failuresInARow, 6));
    retryAfter(backoff);
  }

  private void busy(long retryDelayNanos, long seen, List<Runnable> effects) {
    takeInDoubt = false;
    answeredBusy = true;
    failuresInARow = 0;
    if (deadline.hasExpired()) {
      end(timedOut(), effects);
      return;
    }
    if (channel == null) {
      channel = engine.wakeUps().join(takes.channel());
      state = State.SUBSCRIBING;
      WakeUps.Channel joined = channel;
      // Take again once subscribed (or once subscribing failed: timed retries still work), so
      // that a release between the first take and the subscription is not missed.
      effects.add(() -> joined.subscribed().whenComplete((ok, failed) -> take(State.SUBSCRIBING)));
    } else if (!takes.park(channel, this, seen)) {
      state = State.RETRYING; // a release was announced while the take was on its way
      effects.add(() -> take(State.RETRYING));
    } else {
      state = State.PARKED;
      retryTimer =
          engine.schedule(
              this::onRetryTimer,
              Math.min(retryDelayNanos, deadline.remainingNanos()),
              TimeUnit.NANOSECONDS);
    }
  }

  private void retryAfter(long nanos) {
    state = State.RETRYING;
    cancelRetryTimer();
    retryTimer =
        engine.schedule(
            () -> take(State.RETRYING),
            Math.min(nanos, deadline.remainingNanos()),
            TimeUnit.NANOSECONDS);
  }

  /**
   * Ends with {@code lease}: the event, then the result. {@code toldFirst}: events of the hand-off
   * that brought it, told before its own.
   */
  private void deliver(L lease, boolean moreFree, Runnable toldFirst, List<Runnable> effects) {
    state = State.HELD;
    takeInDoubt = false;
    boolean passOn = moreFree && channel != null;
    cleanUp();
    Duration waited = deadline.elapsed();
    if (toldFirst != null) {
      effects.add(toldFirst);
    }
    effects.add(() -> takes.acquired(lease, waited));
    effects.add(() -> result.complete(lease));
    if (passOn) {
      // More can get in: pass the release on to the next waiter here.
      String wakeUp = takes.channel();
      effects.add(() -> engine.wakeUps().announceLocally(wakeUp));
    }
  }

  /** Ends without a lease: the give-backs, then the event, then the result. */
  private void end(RuntimeException failure, List<Runnable> effects) {
    boolean claimed = state == State.CLAIMED;
    state = State.FAILED;
    cleanUp();
    // While claimed, the hand-off's outcome decides (handedOver / unclaim): a release sent now
    // could overtake the hand-off and leave the lock to a token nobody holds.
    handOffDecides = claimed;
    boolean giveBack = takeInDoubt && !claimed;
    boolean withdraw = giveBack || answeredBusy;
    Duration waited = deadline.elapsed();
    if (giveBack) {
      effects.add(takes::giveBack);
    }
    if (withdraw) {
      effects.add(takes::withdraw);
    }
    if (failure instanceof LockException reported) {
      effects.add(() -> takes.acquireFailed(waited, reported));
    }
    effects.add(() -> result.completeExceptionally(failure));
  }

  // ---- what wakes or ends it from outside ----

  /** A release was announced; false if this acquire no longer waits (the release is passed on). */
  boolean wake() {
    synchronized (this) {
      if (state != State.PARKED) {
        return false;
      }
      long yielding = channel.yieldingNanos();
      if (yielding > 0) {
        // Right after this client ended a run of hand-offs: a waiter in another client, woken by
        // the same release, goes first.
        retryAfter(yielding);
        return true;
      }
      state = State.RETRYING;
    }
    take(State.RETRYING);
    return true;
  }

  /** Whether a release should wake it before the waiters parked before it. */
  boolean wakesFirst() {
    return takes.wakesFirst();
  }

  private void onRetryTimer() {
    synchronized (this) {
      if (state != State.PARKED) {
        return;
      }
      channel.unpark(this);
      state = State.RETRYING;
    }
    take(State.RETRYING);
  }

  /** Ends the acquire at its deadline, unless it already ended. */
  void expire() {
    List<Runnable> effects = new ArrayList<>();
    synchronized (this) {
      if (!state.ended()) {
        end(failuresInARow > 0 ? unavailable() : timedOut(), effects);
      }
    }
    effects.forEach(Runnable::run);
  }

  /** Stops waiting (interrupt, cancellation, close); a take in doubt is given back. */
  void cancel(LockException reason) {
    List<Runnable> effects = new ArrayList<>();
    synchronized (this) {
      if (!state.ended()) {
        end(reason, effects);
      }
    }
    effects.forEach(Runnable::run);
  }

  // ---- hand-offs (locks only: see WakeUps.Channel#claimForHandOff) ----

  /**
   * Claims this parked waiter for a direct hand-off; false if it no longer waits. Until {@link
   * #handedOver} or {@link #unclaim}, neither a release message nor its timer wakes it; if it gives
   * up meanwhile, the hand-off's outcome gives its token back.
   */
  synchronized boolean claim() {
    if (state != State.PARKED) {
      return false;
    }
    cancelRetryTimer();
    state = State.CLAIMED;
    return true;
  }

  /**
   * The lock was handed to this waiter's owner token by a script ({@code handed}: a taken answer);
   * {@code toldFirst}, the hand-off's events, are told before this acquire's (or alone, if it gave
   * up meanwhile: the lease is then given back).
   */
  void handedOver(Answer<L> handed, Runnable toldFirst) {
    List<Runnable> effects = new ArrayList<>();
    synchronized (this) {
      if (state == State.CLAIMED) {
        deliver(handed.lease(), false, toldFirst, effects);
      } else {
        handOffDecides = false;
        effects.add(toldFirst);
        late(handed, null, effects);
      }
    }
    effects.forEach(Runnable::run);
  }

  /**
   * A local hand-off: this claimed waiter gets {@code lease}, of a key this client holds already,
   * with {@code toldFirst} told before its event; false if it gave up meanwhile (the lease is then
   * the caller's to pass on, and nothing was told).
   */
  boolean handedOverLocally(L lease, Runnable toldFirst) {
    List<Runnable> effects = new ArrayList<>();
    synchronized (this) {
      if (state != State.CLAIMED) {
        handOffDecides = false;
        return false;
      }
      deliver(lease, false, toldFirst, effects);
    }
    effects.forEach(Runnable::run);
    return true;
  }

  /**
   * The hand-off did not happen, or ({@code inDoubt}) its outcome is unknown: take again now, with
   * the same token, so that a hand-off that did happen is found. If the waiter gave up meanwhile, a
   * hand-off in doubt is undone by giving the token back.
   */
  void unclaim(boolean inDoubt) {
    synchronized (this) {
      if (state != State.CLAIMED) {
        boolean giveBack = inDoubt && handOffDecides;
        handOffDecides = false;
        if (giveBack) {
          takes.giveBack(); // sends without waiting; nothing else of this acquire is left to do
        }
        return;
      }
      takeInDoubt |= inDoubt;
      state = State.RETRYING;
    }
    take(State.RETRYING);
  }

  // ---- helpers, called with this held ----

  private void cleanUp() {
    cancelRetryTimer();
    if (deadlineTimer != null) {
      deadlineTimer.cancel(false);
      deadlineTimer = null;
    }
    if (channel != null) {
      channel.unpark(this);
      engine.wakeUps().leave(channel);
      channel = null;
    }
  }

  private void cancelRetryTimer() {
    if (retryTimer != null) {
      retryTimer.cancel(false);
      retryTimer = null;
    }
  }

  private LockTimeoutException timedOut() {
    return new LockTimeoutException(
        takes.heldMessage() + "; gave up after waiting " + Durations.format(deadline.elapsed()));
  }

  private RedisUnavailableException unavailable() {
    return new RedisUnavailableException(
        "cannot acquire "
            + takes.describe()
            + ": Redis at "
            + engine.driver().describe()
            + " did not answer within "
            + Durations.format(deadline.elapsed())
            + " ("
            + Failures.rootMessage(lastFailure)
            + ")",
        Failures.unwrap(lastFailure));
  }

  @Override
  public String toString() {
    return "Acquisition[" + takes.describe() + ", " + state() + "]";
  }
}
