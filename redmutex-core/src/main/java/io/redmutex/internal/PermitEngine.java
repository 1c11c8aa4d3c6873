package io.redmutex.internal;

import io.redmutex.DistributedReadWriteLock;
import io.redmutex.DistributedSemaphore;
import io.redmutex.Lease;
import io.redmutex.LockException;
import io.redmutex.LockInterruptedException;
import io.redmutex.LockTimeoutException;
import io.redmutex.PermitHolder;
import io.redmutex.PermitsInfo;
import io.redmutex.RedMutex;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Semaphores and read-write locks of one {@link RedMutex}, on its {@link LockEngine}'s parts
 * (driver, renewer, wake-ups, scheduler, callback thread): starts their acquires, waits for them,
 * tracks their held leases so that close gives them back. Owns the permits held and acquires
 * pending.
 */
public final class PermitEngine implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PermitEngine.class);

  /** The most permits a semaphore may have. */
  public static final int MAX_PERMITS = 1_000_000;

  /** The most holders an inspection lists. */
  static final int MAX_LISTED = 1000;

  private final LockEngine engine;
  private final Tokens tokens = new Tokens();
  private final Set<Acquisition<PermitLease>> pending = ConcurrentHashMap.newKeySet();
  private final Set<PermitLease> held = ConcurrentHashMap.newKeySet();
  private final ReadWriteView.Holds holds = new ReadWriteView.Holds();

  public PermitEngine(LockEngine engine) {
    this.engine = engine;
  }

  // ---- the API, as RedMutex exposes it ----

  public DistributedSemaphore semaphore(String name, int permits) {
    if (permits < 1 || permits > MAX_PERMITS) {
      throw new IllegalArgumentException(
          "permits must be between 1 and " + MAX_PERMITS + ", was " + permits);
    }
    PermitKeys keys = PermitKeys.semaphore(engine.settings().keyPrefix(), name);
    checkUsable("semaphores");
    return new SemaphoreHandle(
        this, new PermitSide(PermitSide.Kind.PERMIT, keys, permits, engine.driver()));
  }

  public DistributedReadWriteLock readWriteLock(String name) {
    PermitKeys keys = PermitKeys.readWrite(engine.settings().keyPrefix(), name);
    checkUsable("read-write locks");
    return new ReadWriteHandle(
        this,
        new PermitSide(PermitSide.Kind.READ, keys, 0, engine.driver()),
        new PermitSide(PermitSide.Kind.WRITE, keys, 0, engine.driver()),
        holds);
  }

  private void checkUsable(String what) {
    engine.checkOpen();
    if (engine.settings().waitForReplicas() > 0) {
      throw new UnsupportedOperationException(
          what
              + " do not support waitForReplicas yet: their takes would not wait for replicas;"
              + " use a RedMutex without waitForReplicas for them");
    }
  }

  /** The state of semaphore {@code name}. */
  public PermitsInfo inspectSemaphore(String name) {
    return inspect(PermitKeys.semaphore(engine.settings().keyPrefix(), name));
  }

  /** The state of read-write lock {@code name}. */
  public PermitsInfo inspectReadWriteLock(String name) {
    return inspect(PermitKeys.readWrite(engine.settings().keyPrefix(), name));
  }

  /** The semaphores whose names match {@code pattern}, at most {@code limit}, by name. */
  public List<PermitsInfo> listSemaphores(String pattern, int limit) {
    return list(pattern, limit, false);
  }

  /** The read-write locks whose names match {@code pattern}, at most {@code limit}, by name. */
  public List<PermitsInfo> listReadWriteLocks(String pattern, int limit) {
    return list(pattern, limit, true);
  }

  /**
   * Finds the info hashes of the kind (see {@link PermitKeys#infoPatterns}) with SCAN, as {@code
   * list} finds locks, and inspects each: one round trip per name after the scans.
   */
  private List<PermitsInfo> list(String pattern, int limit, boolean readWrite) {
    Objects.requireNonNull(pattern, "pattern");
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be positive, was " + limit);
    }
    engine.checkOpen();
    String prefix = engine.settings().keyPrefix();
    Set<String> names = new TreeSet<>();
    for (String match : PermitKeys.infoPatterns(prefix, pattern, readWrite)) {
      List<String> keys =
          engine
              .waiting()
              .awaitCommand(engine.driver().scanKeys(match, "hash", limit), "list", match);
      for (String key : keys) {
        PermitKeys.nameOfInfo(prefix, key, readWrite).ifPresent(names::add);
      }
    }
    List<PermitsInfo> found = new ArrayList<>();
    for (String name : names) {
      if (found.size() == limit) {
        break;
      }
      found.add(
          inspect(
              readWrite ? PermitKeys.readWrite(prefix, name) : PermitKeys.semaphore(prefix, name)));
    }
    return List.copyOf(found);
  }

  PermitsInfo inspect(PermitKeys keys) {
    engine.checkOpen();
    List<Object> reply =
        engine
            .waiting()
            .awaitCommand(
                engine
                    .driver()
                    .permits(
                        Script.PERMIT_INSPECT,
                        keys.inspectKeys(),
                        List.of(Integer.toString(MAX_LISTED))),
                "inspect",
                keys.name());
    String permits = (String) reply.get(0);
    String fence = (String) reply.get(1);
    long waiting = (Long) reply.get(2);
    long intentTtl = (Long) reply.get(4);
    long count = (Long) reply.get(5);
    List<PermitHolder> holders = new ArrayList<>();
    for (int i = 6; i + 1 < reply.size(); i += 2) {
      String marked = (String) reply.get(i);
      boolean writer = marked.startsWith("w");
      if (writer) {
        count++;
      }
      holders.add(
          new PermitHolder(
              holderOf(marked.substring(1)), writer, Duration.ofMillis((Long) reply.get(i + 1))));
    }
    return new PermitsInfo(
        keys.name(),
        permits.isEmpty() ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(permits)),
        (int) count,
        List.copyOf(holders),
        fence.isEmpty() ? 0 : Long.parseLong(fence),
        (int) waiting,
        intentTtl > 0 ? Optional.of(Duration.ofMillis(intentTtl)) : Optional.empty());
  }

  /** A holders-set member is {@code token + ' ' + holder description}. */
  private String member() {
    return tokens.next() + " " + engine.taker().description();
  }

  private static String holderOf(String member) {
    int space = member.indexOf(' ');
    return space < 0 ? member : member.substring(space + 1);
  }

  /** How many acquires of this client wait parked for semaphore {@code name}; for tests. */
  public int parkedSemaphoreWaiters(String name) {
    return engine
        .wakeUps()
        .parked(PermitKeys.semaphore(engine.settings().keyPrefix(), name).channel());
  }

  /** How many acquires of this client wait parked for read-write lock {@code name}; for tests. */
  public int parkedReadWriteWaiters(String name) {
    return engine
        .wakeUps()
        .parked(PermitKeys.readWrite(engine.settings().keyPrefix(), name).channel());
  }

  // ---- acquiring ----

  Lease acquire(PermitSide side, Duration waitTimeout) {
    checkWaitTimeout(waitTimeout);
    if (Thread.currentThread().isInterrupted()) {
      throw new LockInterruptedException(
          "interrupted before acquiring " + side.describe() + "; nothing was sent, nothing is held",
          new InterruptedException());
    }
    return awaitOrThrow(begin(side, "", Deadline.after(engine.clock(), waitTimeout), false));
  }

  Optional<Lease> tryAcquire(PermitSide side) {
    try {
      return Optional.of(
          awaitOrThrow(begin(side, "", Deadline.after(engine.clock(), Duration.ZERO), false)));
    } catch (LockTimeoutException busy) {
      return Optional.empty();
    }
  }

  CompletableFuture<Lease> acquireAsync(PermitSide side, Duration waitTimeout) {
    checkWaitTimeout(waitTimeout);
    Acquisition<PermitLease> acquisition =
        begin(side, "", Deadline.after(engine.clock(), waitTimeout), true);
    CompletableFuture<Lease> user = new CompletableFuture<>();
    user.whenComplete(
        (lease, error) -> {
          if (error instanceof CancellationException) {
            acquisition.cancel(
                new LockException("acquire of " + side.describe() + " was cancelled"));
          }
        });
    acquisition
        .result()
        .whenCompleteAsync(
            (lease, error) -> {
              if (error != null) {
                user.completeExceptionally(Failures.unwrap(error));
              } else if (!user.complete(lease)) {
                lease.abandon();
                releaseQuietly(side, lease.member());
              }
            },
            ForkJoinPool.commonPool());
    return user;
  }

  /** A blocking acquire for the read-write lock's views. */
  PermitLease acquireForView(
      PermitSide side, String downgradeFrom, Deadline deadline, boolean interruptible)
      throws InterruptedException {
    return engine.waiting().awaitLease(begin(side, downgradeFrom, deadline, false), interruptible);
  }

  private Acquisition<PermitLease> begin(
      PermitSide side, String downgradeFrom, Deadline deadline, boolean armDeadline) {
    engine.checkOpen();
    String member = member();
    long leaseMillis = engine.settings().leaseTime().toMillis();
    Acquisition<PermitLease> acquisition =
        new Acquisition<>(
            engine,
            new PermitTakes(this, side, member, downgradeFrom, leaseMillis),
            member,
            leaseMillis,
            deadline);
    pending.add(acquisition);
    acquisition.result().whenComplete((lease, error) -> pending.remove(acquisition));
    acquisition.start(armDeadline);
    return acquisition;
  }

  private PermitLease awaitOrThrow(Acquisition<PermitLease> acquisition) {
    try {
      return engine.waiting().awaitLease(acquisition, true);
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

  private static void checkWaitTimeout(Duration waitTimeout) {
    Durations.check("waitTimeout", waitTimeout, Duration.ZERO, RedMutex.MAX_WAIT_TIMEOUT);
  }

  // ---- services for acquisitions and leases ----

  NanoClock clock() {
    return engine.clock();
  }

  Settings settings() {
    return engine.settings();
  }

  Renewer renewer() {
    return engine.renewer();
  }

  WakeUps wakeUps() {
    return engine.wakeUps();
  }

  Waiting waiting() {
    return engine.waiting();
  }

  String clientId() {
    return engine.taker().clientId();
  }

  ScheduledFuture<?> schedule(Runnable task, long delay, TimeUnit unit) {
    return engine.schedule(task, delay, unit);
  }

  void runCallback(String what, Runnable callback) {
    engine.runCallback(what, callback);
  }

  long checkLeaseTime(Duration leaseTime) {
    return engine.checkLeaseTime("leaseTime", leaseTime).toMillis();
  }

  void holding(PermitLease lease) {
    held.add(lease);
  }

  /** A lease stopped holding; {@code lost}: without an announced release, so wake a waiter here. */
  void notHolding(PermitLease lease, boolean lost) {
    if (held.remove(lease) && lost) {
      engine.wakeUps().announceLocally(lease.side().keys().channel());
    }
  }

  /** Gives back a hold whose take was in doubt, without waiting. */
  void releaseQuietly(PermitSide side, String member) {
    Failures.call(() -> side.release(member))
        .whenComplete(
            (released, error) -> {
              if (error != null) {
                log.warn(
                    "redmutex: could not give back {} after an unfinished acquire; it expires"
                        + " within the lease time: {}",
                    side.describe(),
                    Failures.rootMessage(error));
              }
            });
  }

  /** A writer that stopped waiting lets new readers in again, without waiting. */
  void withdrawQuietly(PermitSide side, String member) {
    if (side.kind() == PermitSide.Kind.WRITE) {
      Failures.call(() -> side.withdraw(member));
    }
  }

  /**
   * Fails acquires in progress and gives back held permits (waiting up to the command timeout).
   * Called by {@code RedMutex.close()} before the lock engine closes.
   */
  @Override
  public void close() {
    for (Acquisition<PermitLease> acquisition : pending) {
      acquisition.cancel(
          new LockException("RedMutex closed while acquiring " + acquisition.describe()));
    }
    List<PermitLease> leases = List.copyOf(held);
    CompletableFuture<?>[] releases =
        leases.stream()
            .filter(PermitLease::abandon)
            .map(l -> Failures.call(() -> l.side().release(l.member())))
            .toArray(CompletableFuture[]::new);
    try {
      CompletableFuture.allOf(releases)
          .get(engine.settings().commandTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      log.warn(
          "redmutex: could not give back every permit at close; they expire on their own: {}",
          Failures.rootMessage(e));
    }
  }
}
