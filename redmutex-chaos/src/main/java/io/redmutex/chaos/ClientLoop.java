package io.redmutex.chaos;

import io.lettuce.core.RedisException;
import io.lettuce.core.resource.ClientResources;
import io.redmutex.InsufficientReplicasException;
import io.redmutex.Lease;
import io.redmutex.LockLostException;
import io.redmutex.LockTimeoutException;
import io.redmutex.RedMutex;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * One client's workload, on a thread of the harness or in a worker JVM: with its own {@link
 * RedMutex}, take a lock, read-modify-write both registers it guards, release; record every call.
 *
 * <p>The holder checks nothing between its read and its write (not even {@link Lease#isHeld()}): it
 * is the client of Kleppmann's argument, paused or cut off between a check and its write. Only the
 * fenced register protects the data from it; the unfenced one measures what would go wrong.
 */
final class ClientLoop {
  private final int id;
  private final String lockUri;
  private final Workload workload;
  private final Register register;
  private final Consumer<Op> sink;
  private final BooleanSupplier stop;
  private final long seed;
  private final long budgetAcquire;
  private final long budgetRelease;
  private final long budgetRegister;

  /**
   * @param seed the run's seed; the client's schedule (locks, holds, gaps) follows from it and
   *     {@code id}
   * @param sink receives every event; called from several threads
   */
  ClientLoop(
      int id,
      String lockUri,
      Workload workload,
      Register register,
      long seed,
      Consumer<Op> sink,
      BooleanSupplier stop) {
    this.id = id;
    this.lockUri = lockUri;
    this.workload = workload;
    this.register = register;
    this.sink = sink;
    this.stop = stop;
    this.seed = seed;
    this.budgetAcquire = workload.acquireBudget().toNanos();
    this.budgetRelease = workload.releaseBudget().toNanos();
    this.budgetRegister = workload.registerBudget().toNanos();
  }

  /** The RedMutex this client locks with. */
  RedMutex connect() {
    return connect(null);
  }

  /**
   * The RedMutex this client locks with, on {@code clientResources} (for example, ones that route
   * it through proxies), or on the shared default ones when null.
   */
  RedMutex connect(ClientResources clientResources) {
    RedMutex.Builder builder =
        RedMutex.builder()
            .uri(lockUri)
            .leaseTime(workload.leaseTime())
            .commandTimeout(workload.commandTimeout())
            .clientName("chaos-" + id);
    if (clientResources != null) {
      builder.clientResources(clientResources);
    }
    if (workload.waitForReplicas() > 0) {
      builder.waitForReplicas(workload.waitForReplicas(), workload.replicaTimeout());
    }
    return builder.build();
  }

  /**
   * Runs leases until told to stop or {@code maxIterations} is reached, on {@link
   * Workload#threadsPerClient} threads sharing {@code mutex} (each with a schedule of its own).
   */
  void run(RedMutex mutex) {
    int count = workload.threadsPerClient();
    if (count == 1) {
      run(mutex, random(0));
      return;
    }
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < count; t++) {
      Random random = random(t);
      Thread thread =
          new Thread(() -> run(mutex, random), Thread.currentThread().getName() + "-" + t);
      thread.setDaemon(true);
      threads.add(thread);
      thread.start();
    }
    for (Thread thread : threads) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        threads.forEach(Thread::interrupt);
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private Random random(int thread) {
    return new Random(seed * 1_000_003L + id + 7_919L * thread);
  }

  private void run(RedMutex mutex, Random random) {
    for (int i = 0;
        i < workload.maxIterations()
            && !stop.getAsBoolean()
            && !Thread.currentThread().isInterrupted();
        i++) {
      String lock = workload.locks().get(random.nextInt(workload.locks().size()));
      long holdMillis = workload.holds().next(random);
      int gapMillis = random.nextInt(workload.maxGapMillis() + 1);
      if (workload.permits() == Workload.READ_WRITE
          && random.nextDouble() >= Workload.WRITE_SHARE) {
        lock = lock + Workload.READ_SUFFIX; // a read hold: its events carry the suffix
      }
      Lease lease = acquire(mutex, lock);
      if (lease != null) {
        update(lease, lock, holdMillis);
      }
      sleep(lease == null ? Math.max(gapMillis, 50) : gapMillis);
    }
  }

  private Lease acquire(RedMutex mutex, String lock) {
    long invoke = System.nanoTime();
    Lease lease = null;
    Op.Outcome outcome;
    try {
      if (workload.permits() > 0) {
        lease = mutex.semaphore(lock, workload.permits()).acquire(workload.waitTimeout());
      } else if (workload.permits() == Workload.READ_WRITE) {
        boolean read = lock.endsWith(Workload.READ_SUFFIX);
        var rw = mutex.readWriteLock(read ? lock.substring(0, lock.indexOf('#')) : lock);
        lease = (read ? rw.read() : rw.write()).acquire(workload.waitTimeout());
      } else {
        lease = mutex.acquire(lock, workload.waitTimeout());
      }
      outcome = Op.Outcome.OK;
    } catch (LockTimeoutException | InsufficientReplicasException e) {
      outcome = Op.Outcome.FAIL; // not taken (a take not acknowledged by replicas is given back)
    } catch (RuntimeException e) {
      outcome = Op.Outcome.UNKNOWN; // Redis unavailable: the core releases a take in doubt
    }
    long token = lease == null ? 0 : lease.fencingToken();
    record(Op.Kind.ACQUIRE, lock, Op.NO_REGISTER, invoke, outcome, token, 0, budgetAcquire);
    if (lease != null) {
      lease.onLost(
          () -> {
            long at = System.nanoTime();
            sink.accept(
                new Op(id, Op.Kind.LOST, lock, Op.NO_REGISTER, at, at, Op.Outcome.OK, token, 0, 0));
          });
    }
    return lease;
  }

  private void update(Lease lease, String lock, long holdMillis) {
    long token = lease.fencingToken();
    if (workload.permits() > 0 || lock.endsWith(Workload.READ_SUFFIX)) {
      // A semaphore's holders, and readers, share no register: they only think.
      long now = System.nanoTime();
      sink.accept(
          new Op(
              id,
              Op.Kind.THINK,
              lock,
              Op.NO_REGISTER,
              now,
              now + Duration.ofMillis(holdMillis).toNanos(),
              Op.Outcome.OK,
              token,
              holdMillis,
              0));
      sleep(holdMillis);
      release(lease, lock);
      return;
    }
    Long fenced = read(Register.Mode.FENCED, lock, token);
    Long unfenced = read(Register.Mode.UNFENCED, lock, token);
    long now = System.nanoTime();
    sink.accept(
        new Op(
            id,
            Op.Kind.THINK,
            lock,
            Op.NO_REGISTER,
            now,
            now + Duration.ofMillis(holdMillis).toNanos(),
            Op.Outcome.OK,
            token,
            holdMillis,
            0));
    sleep(holdMillis);
    if (unfenced != null) {
      write(Register.Mode.UNFENCED, lock, token, unfenced + 1);
    }
    if (fenced != null) {
      write(Register.Mode.FENCED, lock, token, fenced + 1);
    }
    release(lease, lock);
  }

  /** The value read, or null if the read was rejected or its outcome is unknown. */
  private Long read(Register.Mode mode, String lock, long token) {
    long invoke = System.nanoTime();
    try {
      Register.Reply reply = register.read(mode, lock, token);
      Op.Outcome outcome = reply.accepted() ? Op.Outcome.OK : Op.Outcome.FAIL;
      long value = reply.accepted() ? reply.value() : 0;
      record(Op.Kind.READ, lock, mode.label(), invoke, outcome, token, value, budgetRegister);
      return reply.accepted() ? reply.value() : null;
    } catch (RedisException e) {
      record(
          Op.Kind.READ, lock, mode.label(), invoke, Op.Outcome.UNKNOWN, token, 0, budgetRegister);
      return null;
    }
  }

  private void write(Register.Mode mode, String lock, long token, long value) {
    long invoke = System.nanoTime();
    Op.Outcome outcome;
    try {
      outcome =
          register.write(mode, lock, token, value, id).accepted() ? Op.Outcome.OK : Op.Outcome.FAIL;
    } catch (RedisException e) {
      outcome = Op.Outcome.UNKNOWN;
    }
    record(Op.Kind.WRITE, lock, mode.label(), invoke, outcome, token, value, budgetRegister);
  }

  private void release(Lease lease, String lock) {
    long invoke = System.nanoTime();
    Op.Outcome outcome;
    try {
      lease.release();
      outcome = Op.Outcome.OK;
    } catch (LockLostException e) {
      outcome = Op.Outcome.LOST;
    } catch (RuntimeException e) {
      outcome = Op.Outcome.UNKNOWN; // Redis did not confirm; the key expires on its own
    }
    record(
        Op.Kind.RELEASE,
        lock,
        Op.NO_REGISTER,
        invoke,
        outcome,
        lease.fencingToken(),
        0,
        budgetRelease);
  }

  private void record(
      Op.Kind kind,
      String lock,
      String reg,
      long invoke,
      Op.Outcome outcome,
      long token,
      long value,
      long budget) {
    sink.accept(
        new Op(id, kind, lock, reg, invoke, System.nanoTime(), outcome, token, value, budget));
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
