package io.redmutex.internal;

import io.redmutex.DistributedLock;
import io.redmutex.Lease;
import io.redmutex.LockException;
import io.redmutex.LockInterruptedException;
import io.redmutex.LockListener;
import io.redmutex.LockTimeoutException;
import io.redmutex.RedMutex;
import io.redmutex.RedisUnavailableException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The machinery behind one {@link RedMutex}: the Redis driver, the single scheduler thread that
 * renews leases and times retries, the wake-up subscriptions, and the acquisitions in progress.
 */
public final class LockEngine implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LockEngine.class);
  private static final AtomicInteger instances = new AtomicInteger();

  private final Settings settings;
  private final LockDriver driver;
  private final ScheduledExecutorService scheduler;
  private final Renewer renewer;
  private final WakeUps wakeUps;
  private final Tokens tokens = new Tokens();
  private final Set<Acquisition<DefaultLease>> pending = ConcurrentHashMap.newKeySet();
  private final LockView.Holds holds = new LockView.Holds();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Map<String, HeldKey> heldHere = new ConcurrentHashMap<>();
  private final Taker taker;
  private final Inspection inspection = new Inspection(this);
  private final Callbacks callbacks;
  private final Waiting waiting;
  private final HandOff handOff;

  /**
   * Connects to Redis as {@code settings} say.
   *
   * @throws RedisUnavailableException if Redis cannot be reached or refuses the credentials
   */
  public LockEngine(Settings settings) {
    this(settings, connect(settings), null, null);
  }

  private static LockDriver connect(Settings settings) {
    LockDriver real =
        !settings.redlockNodes().isEmpty()
            ? RedlockDriver.connect(
                settings.redlockNodes(),
                settings.commandTimeout(),
                settings.clientResources(),
                settings.clock())
            : settings.clusterNodes().isEmpty()
                ? oneMaster(settings)
                : new ClusterDriver(
                    settings.clusterNodes(), settings.commandTimeout(), settings.clientResources());
    return settings.driverDecorator() == null ? real : settings.driverDecorator().apply(real);
  }

  private static LockDriver oneMaster(Settings settings) {
    LettuceDriver driver =
        new LettuceDriver(settings.uri(), settings.commandTimeout(), settings.clientResources());
    return settings.waitForReplicas() == 0
        ? driver
        : new ReplicatedDriver(driver, settings.waitForReplicas(), settings.replicaTimeout());
  }

  /**
   * The seam for unit tests: a driver of their own (a scripted fake), and a scheduler and a
   * callback executor they run by hand with a fake clock; null for the real ones.
   */
  LockEngine(
      Settings settings,
      LockDriver driver,
      ScheduledExecutorService scheduler,
      Executor callbackExecutor) {
    this.settings = settings;
    this.driver = driver;
    int id = instances.incrementAndGet();
    this.callbacks = callbackExecutor == null ? new Callbacks(id) : new Callbacks(callbackExecutor);
    this.scheduler = scheduler == null ? newScheduler(id) : scheduler;
    long renewPeriod = settings.leaseTime().toNanos() / 3;
    this.renewer = new Renewer(this.scheduler, settings.clock(), renewPeriod / 10);
    this.taker =
        new Taker(Inspection.describeThisProcess(settings.uri().getClientName()), tokens.next());
    this.wakeUps = new WakeUps(driver, taker.clientId(), settings.clock());
    this.waiting = new Waiting(driver, settings.clock(), settings.commandTimeout());
    this.handOff = new HandOff(this, driver, wakeUps, waiting);
  }

  /** One scheduler thread per client: renewals, retry timers, deadlines of async acquires. */
  private static ScheduledExecutorService newScheduler(int id) {
    ScheduledThreadPoolExecutor scheduler =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "redmutex-scheduler-" + id);
              t.setDaemon(true);
              return t;
            });
    scheduler.setRemoveOnCancelPolicy(true);
    return scheduler;
  }

  /** This client, as it takes locks. */
  Taker taker() {
    return taker;
  }

  /** Whether this client holds the lock {@code key} now. */
  boolean heldHere(String key) {
    return heldHere.containsKey(key);
  }

  /** This client started holding a lock's key. */
  void holding(HeldKey key) {
    heldHere.put(key.keys().key(), key);
  }

  /**
   * This client stopped holding a lock's key ({@code lost}: without a release, so no release
   * message will come: a waiter here is woken to try).
   */
  void notHolding(HeldKey key, boolean lost) {
    if (heldHere.remove(key.keys().key(), key) && lost) {
      wakeUps.announceLocally(key.keys().channel());
    }
  }

  /**
   * How many acquires of this client wait parked for lock {@code name} (for a release, a hand-off
   * or their fallback timer); a signal for tests.
   */
  public int parkedWaiters(String name) {
    return wakeUps.parked(LockKeys.of(settings.keyPrefix(), name).channel());
  }

  /** The acquires in progress; for tests that watch an outcome as its caller sees it. */
  Set<Acquisition<DefaultLease>> pending() {
    return pending;
  }

  /** Reading and breaking locks, for operators. */
  public Inspection inspection() {
    return inspection;
  }

  // ---- the API, as RedMutex exposes it ----

  public Lease acquire(String name, Duration waitTimeout) {
    checkWaitTimeout(waitTimeout);
    LockKeys.checkName(name);
    if (Thread.currentThread().isInterrupted()) {
      // Checked before anything is sent: a take then a release would wake every waiter for nothing.
      throw new LockInterruptedException(
          "interrupted before acquiring lock '" + name + "'; nothing was sent, nothing is held",
          new InterruptedException());
    }
    return await(begin(name, Deadline.after(clock(), waitTimeout), false));
  }

  public Optional<Lease> tryAcquire(String name) {
    try {
      return Optional.of(await(begin(name, Deadline.after(clock(), Duration.ZERO), false)));
    } catch (LockTimeoutException busy) {
      return Optional.empty();
    }
  }

  public CompletableFuture<Lease> acquireAsync(String name, Duration waitTimeout) {
    checkWaitTimeout(waitTimeout);
    Acquisition<DefaultLease> acquisition = begin(name, Deadline.after(clock(), waitTimeout), true);
    CompletableFuture<Lease> user = new CompletableFuture<>();
    user.whenComplete(
        (lease, error) -> {
          if (error instanceof CancellationException) {
            acquisition.cancel(new LockException("acquire of lock '" + name + "' was cancelled"));
          }
        });
    // Complete the caller's future off the I/O threads: their callbacks may block.
    acquisition
        .result()
        .whenCompleteAsync(
            (lease, error) -> {
              if (error != null) {
                user.completeExceptionally(Failures.unwrap(error));
              } else if (!user.complete(lease)) {
                handOff.abandon(lease);
              }
            },
            ForkJoinPool.commonPool());
    return user;
  }

  public DistributedLock lock(String name) {
    LockKeys.checkName(name);
    checkOpen();
    return new LockView(this, name, holds);
  }

  /** Blocking acquire for the Lock view. */
  DefaultLease acquireForView(String name, Deadline deadline, boolean interruptible)
      throws InterruptedException {
    return waiting.awaitLease(begin(name, deadline, false), interruptible);
  }

  /**
   * Starts an acquire. {@code armDeadline} for async callers; blocking callers end it at its
   * deadline from their own timed wait ({@link #awaitLease}).
   */
  private Acquisition<DefaultLease> begin(String name, Deadline deadline, boolean armDeadline) {
    LockKeys keys = LockKeys.of(settings.keyPrefix(), name);
    checkOpen();
    String token = tokens.next();
    long leaseMillis = settings.leaseTime().toMillis();
    Acquisition<DefaultLease> acquisition =
        new Acquisition<>(
            this, new LockTakes(this, keys, token, leaseMillis), token, leaseMillis, deadline);
    pending.add(acquisition);
    acquisition.result().whenComplete((lease, error) -> pending.remove(acquisition));
    acquisition.start(armDeadline);
    return acquisition;
  }

  private DefaultLease await(Acquisition<DefaultLease> acquisition) {
    try {
      return waiting.awaitLease(acquisition, true);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LockInterruptedException(
          "interrupted after waiting "
              + Durations.format(acquisition.deadline().elapsed())
              + " for "
              + acquisition.describe()
              + "; nothing is held",
          e);
    }
  }

  // ---- services for acquisitions and leases ----

  Waiting waiting() {
    return waiting;
  }

  HandOff handOff() {
    return handOff;
  }

  Settings settings() {
    return settings;
  }

  NanoClock clock() {
    return settings.clock();
  }

  LockDriver driver() {
    return driver;
  }

  Renewer renewer() {
    return renewer;
  }

  WakeUps wakeUps() {
    return wakeUps;
  }

  /**
   * Runs {@code task} on the scheduler thread after {@code delay}; returns null once this client is
   * closed (its acquisitions have then been failed, so nothing waits for the task).
   */
  ScheduledFuture<?> schedule(Runnable task, long delay, TimeUnit unit) {
    Runnable guarded =
        () -> {
          try {
            task.run();
          } catch (RuntimeException e) {
            log.error("redmutex: scheduled task failed", e);
          }
        };
    try {
      return scheduler.schedule(guarded, delay, unit);
    } catch (RejectedExecutionException closed) {
      return null;
    }
  }

  void acquired(DefaultLease lease, Duration waited) {
    notify(l -> l.acquired(lease.name(), lease.fencingToken(), waited));
  }

  void acquireFailed(String name, Duration waited, LockException cause) {
    notify(l -> l.acquireFailed(name, waited, cause));
  }

  void released(DefaultLease lease, Duration held) {
    notify(l -> l.released(lease.name(), lease.fencingToken(), held));
  }

  void renewed(DefaultLease lease) {
    notify(l -> l.renewed(lease.name(), lease.fencingToken()));
  }

  void handedOff(String name, long fromFencingToken, long toFencingToken) {
    notify(l -> l.handedOff(name, fromFencingToken, toFencingToken));
  }

  void lost(DefaultLease lease) {
    notify(l -> l.lost(lease.name(), lease.fencingToken()));
  }

  private void notify(Consumer<LockListener> event) {
    LockListener listener = settings.listener();
    if (listener != LockListener.none()) {
      callbacks.run("a LockListener", () -> event.accept(listener));
    }
  }

  /** Runs a user's callback off the I/O and scheduler threads (see {@link Callbacks}). */
  void runCallback(String what, Runnable callback) {
    callbacks.run(what, callback);
  }

  Duration checkLeaseTime(String what, Duration leaseTime) {
    return Durations.check(what, leaseTime, RedMutex.MIN_LEASE_TIME, RedMutex.MAX_LEASE_TIME);
  }

  private static void checkWaitTimeout(Duration waitTimeout) {
    Durations.check("waitTimeout", waitTimeout, Duration.ZERO, RedMutex.MAX_WAIT_TIMEOUT);
  }

  void checkOpen() {
    if (closed.get()) {
      throw new IllegalStateException("this RedMutex is closed");
    }
  }

  /**
   * Fails acquisitions in progress, gives back held leases (waiting up to the command timeout), and
   * closes the connections and the scheduler.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    for (Acquisition<DefaultLease> acquisition : pending) {
      acquisition.cancel(
          new LockException("RedMutex closed while acquiring " + acquisition.describe()));
    }
    // Every key this client holds, also those whose renewal is in flight (finding 9), once each,
    // also in the middle of a run of local hand-offs.
    List<HeldKey> held = List.copyOf(heldHere.values());
    CompletableFuture<?>[] releases =
        held.stream()
            .filter(HeldKey::end)
            .map(k -> driver.release(k.keys(), k.token(), k.lastLocalFencingToken()))
            .toArray(CompletableFuture[]::new);
    try {
      CompletableFuture.allOf(releases)
          .get(settings.commandTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      log.warn(
          "redmutex: could not give back every lease at close; their keys expire on their own: {}",
          Failures.rootMessage(e));
    }
    scheduler.shutdownNow();
    driver.close();
    callbacks.close(settings.commandTimeout().toMillis());
  }
}
