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
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;
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
  private final ScheduledThreadPoolExecutor scheduler;
  private final Renewer renewer;
  private final WakeUps wakeUps;
  private final Tokens tokens = new Tokens();
  private final Set<Acquisition> pending = ConcurrentHashMap.newKeySet();
  private final LockView.Holds holds = new LockView.Holds();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Map<String, DefaultLease> heldHere = new ConcurrentHashMap<>();
  private final Taker taker;
  private final Inspection inspection = new Inspection(this);
  private final Callbacks callbacks;

  /**
   * Connects to Redis as {@code settings} say.
   *
   * @throws RedisUnavailableException if Redis cannot be reached or refuses the credentials
   */
  public LockEngine(Settings settings) {
    this.settings = settings;
    LockDriver real =
        settings.clusterNodes().isEmpty()
            ? new LettuceDriver(
                settings.uri(),
                settings.commandTimeout(),
                settings.waitForReplicas(),
                settings.replicaTimeout(),
                settings.clientResources())
            : new ClusterDriver(
                settings.clusterNodes(), settings.commandTimeout(), settings.clientResources());
    this.driver =
        settings.driverDecorator() == null ? real : settings.driverDecorator().apply(real);
    int id = instances.incrementAndGet();
    this.callbacks = new Callbacks(id);
    this.scheduler =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "redmutex-scheduler-" + id);
              t.setDaemon(true);
              return t;
            });
    scheduler.setRemoveOnCancelPolicy(true);
    long renewPeriod = settings.leaseTime().toNanos() / 3;
    this.renewer = new Renewer(scheduler, settings.clock(), renewPeriod / 10);
    this.taker =
        new Taker(Inspection.describeThisProcess(settings.uri().getClientName()), tokens.next());
    this.wakeUps = new WakeUps(driver, taker.clientId(), settings.clock());
  }

  /** This client, as it takes locks. */
  Taker taker() {
    return taker;
  }

  /** Whether a lease of this client holds the lock {@code key} now. */
  boolean heldHere(String key) {
    return heldHere.containsKey(key);
  }

  /** A lease of this client started holding its lock. */
  void holding(DefaultLease lease) {
    heldHere.put(lease.keys().key(), lease);
  }

  /**
   * A lease of this client stopped holding its lock ({@code lost}: without a release, so no release
   * message will come: a waiter here is woken to try).
   */
  void notHolding(DefaultLease lease, boolean lost) {
    if (heldHere.remove(lease.keys().key(), lease) && lost) {
      wakeUps.announceLocally(lease.keys().channel());
    }
  }

  /**
   * How many acquires of this client wait parked for lock {@code name} (for a release, a hand-off
   * or their fallback timer); a signal for tests.
   */
  public int parkedWaiters(String name) {
    return wakeUps.parked(LockKeys.of(settings.keyPrefix(), name).channel());
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
    Acquisition acquisition = begin(name, Deadline.after(clock(), waitTimeout), true);
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
                lease.abandon();
                releaseQuietly(lease.keys(), lease.token());
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
    return awaitLease(begin(name, deadline, false), interruptible);
  }

  /**
   * Starts an acquire. {@code armDeadline} for async callers; blocking callers end it at its
   * deadline from their own timed wait ({@link #awaitLease}).
   */
  private Acquisition begin(String name, Deadline deadline, boolean armDeadline) {
    LockKeys keys = LockKeys.of(settings.keyPrefix(), name);
    checkOpen();
    Acquisition acquisition =
        new Acquisition(this, keys, tokens.next(), settings.leaseTime().toMillis(), deadline);
    pending.add(acquisition);
    acquisition.result().whenComplete((lease, error) -> pending.remove(acquisition));
    acquisition.start(armDeadline);
    return acquisition;
  }

  private DefaultLease await(Acquisition acquisition) {
    try {
      return awaitLease(acquisition, true);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LockInterruptedException(
          "interrupted after waiting "
              + Durations.format(acquisition.deadline().elapsed())
              + " for lock '"
              + acquisition.name()
              + "'; nothing is held",
          e);
    }
  }

  /**
   * Waits for the outcome. On interrupt, an interruptible wait gives up (releasing a take in doubt)
   * and throws; an uninterruptible one keeps waiting and sets the interrupt flag again at the end.
   */
  private DefaultLease awaitLease(Acquisition acquisition, boolean interruptible)
      throws InterruptedException {
    Deadline deadline = acquisition.deadline();
    // A zero wait tries once: its one take may take up to the command timeout to answer.
    long tryOnceNanos = deadline.budget().isZero() ? settings.commandTimeout().toNanos() * 2 : 0;
    boolean interrupted = false;
    try {
      while (true) {
        try {
          if (!deadline.isFinite()) {
            return acquisition.result().get();
          }
          long wait = Math.max(deadline.remainingNanos(), tryOnceNanos - deadline.elapsedNanos());
          return acquisition.result().get(Math.max(0, wait), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
          acquisition.expire(); // completes the result; the next turn returns or throws it
        } catch (InterruptedException e) {
          if (interruptible) {
            acquisition.cancel(
                new LockException(
                    "interrupted while waiting for lock '" + acquisition.name() + "'"));
            throw e;
          }
          interrupted = true;
        } catch (ExecutionException e) {
          throw rethrow(e);
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static LockException rethrow(ExecutionException e) {
    Throwable cause = Failures.unwrap(e);
    if (cause instanceof LockException lockException) {
      return lockException;
    }
    return new LockException("unexpected failure: " + cause, cause);
  }

  // ---- services for acquisitions and leases ----

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

  DefaultLease newLease(
      LockKeys keys, String token, long fencingToken, long leaseMillis, long takenAtNanos) {
    return new DefaultLease(this, keys, token, fencingToken, leaseMillis, takenAtNanos);
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
      return awaitRelease(keys, lease.token());
    }
    long sentAt = clock().nanoTime();
    CompletableFuture<TakeResult> handOff =
        Failures.call(
            () -> driver.handOff(keys, lease.token(), next.token(), next.leaseMillis(), taker));
    // The waiter learns the outcome on the I/O thread, at once: it need not wait for this thread
    // to wake up first. Its take, with the same token, finds out whether an unknown one happened.
    handOff.whenComplete(
        (handed, error) -> {
          if (error != null) {
            next.unclaim(true);
          } else if (handed.acquired()) {
            wakeUps.handedOff(keys.channel(), handed.othersWaiting());
            next.handedOver(handed.fencingToken(), sentAt);
            handedOff(keys.name(), lease.fencingToken(), handed.fencingToken());
          } else {
            next.unclaim(false);
          }
        });
    try {
      return awaitCommand(handOff, "release", keys.name()).acquired();
    } catch (RuntimeException e) {
      releaseQuietly(keys, lease.token());
      throw e;
    }
  }

  /** Compare-and-delete without waiting for the answer; for tokens whose take was in doubt. */
  void releaseQuietly(LockKeys keys, String token) {
    driver
        .release(keys, token)
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

  /**
   * Compare-and-delete, retried while Redis is unreachable. True when the key was deleted, or when
   * an earlier try's outcome was unknown (it may have deleted it: its reply was lost) and a later
   * one finds the key no longer holds the token: that is not a loss (issue 9, finding 3).
   */
  boolean awaitRelease(LockKeys keys, String token) {
    boolean[] inDoubt = {false};
    boolean deleted =
        awaitRetrying(
            () -> driver.release(keys, token), "release", keys.name(), () -> inDoubt[0] = true);
    return deleted || inDoubt[0];
  }

  /**
   * Runs an idempotent command (a compare-and-delete, a compare-and-extend) and waits for it,
   * trying again while Redis is unreachable, for up to twice the command timeout: right after a
   * failover the first try may still go to the old master. Interrupts do not stop it (giving back
   * matters more); the flag is kept.
   */
  <T> T awaitRetrying(Supplier<CompletableFuture<T>> command, String operation, String name) {
    return awaitRetrying(command, operation, name, () -> {});
  }

  private <T> T awaitRetrying(
      Supplier<CompletableFuture<T>> command, String operation, String name, Runnable failedTry) {
    long budget = settings.commandTimeout().toNanos() * 2;
    long start = clock().nanoTime();
    long backoffMillis = 20;
    while (true) {
      try {
        return awaitCommand(command.get(), operation, name);
      } catch (RedisUnavailableException e) {
        failedTry.run();
        if (clock().nanoTime() - start + TimeUnit.MILLISECONDS.toNanos(backoffMillis) > budget) {
          throw e;
        }
        sleepUninterruptibly(backoffMillis);
        backoffMillis = Math.min(backoffMillis * 2, 250);
      }
    }
  }

  /** Sleeps the whole time even if interrupted; the interrupt flag is set again afterwards. */
  private static void sleepUninterruptibly(long millis) {
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    boolean interrupted = Thread.interrupted();
    try {
      while (true) {
        long left = end - System.nanoTime();
        if (left <= 0) {
          return;
        }
        try {
          TimeUnit.NANOSECONDS.sleep(left);
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Waits for one command, uninterruptibly (it is bounded by the command timeout) and keeps the
   * interrupt flag.
   */
  <T> T awaitCommand(CompletableFuture<T> command, String operation, String name) {
    long limit = settings.commandTimeout().toNanos() * 2 + TimeUnit.SECONDS.toNanos(1);
    long start = clock().nanoTime();
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return command.get(
              Math.max(0, limit - (clock().nanoTime() - start)), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (ExecutionException | TimeoutException e) {
          Throwable cause = Failures.unwrap(e);
          if (cause instanceof LockException lockException) {
            throw lockException;
          }
          throw new RedisUnavailableException(
              "cannot "
                  + operation
                  + " lock '"
                  + name
                  + "': Redis at "
                  + driver.describe()
                  + " did not answer ("
                  + Failures.rootMessage(cause)
                  + "); the key expires on its own within the lease time",
              cause);
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
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
    for (Acquisition acquisition : pending) {
      acquisition.cancel(
          new LockException("RedMutex closed while acquiring '" + acquisition.name() + "'"));
    }
    // Every lease this client holds, also those whose renewal is in flight (finding 9).
    List<DefaultLease> held = List.copyOf(heldHere.values());
    CompletableFuture<?>[] releases =
        held.stream()
            .filter(DefaultLease::abandon)
            .map(l -> driver.release(l.keys(), l.token()))
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
