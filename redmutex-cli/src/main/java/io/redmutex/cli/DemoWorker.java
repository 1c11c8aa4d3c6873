package io.redmutex.cli;

import io.lettuce.core.api.sync.RedisCommands;
import io.redmutex.Lease;
import io.redmutex.LockLostException;
import io.redmutex.LockTimeoutException;
import io.redmutex.RedMutex;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;

/**
 * One demo worker thread: until told to stop, picks an account, takes its lock, reads the balance,
 * works a little, writes balance + {@value #AMOUNT}, and gives the lock back. With redmutex the
 * read and the write carry the lease's fencing token; with the seed pattern they do not.
 */
final class DemoWorker implements Runnable {
  static final long AMOUNT = 10;

  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final long WORK_MILLIS = 2;

  /** How a worker locks: redmutex, or the seed's {@code SET NX} + {@code DEL}. */
  enum Protocol {
    REDMUTEX,
    SEED
  }

  private final Protocol protocol;
  private final RedMutex mutex; // null for the seed protocol
  private final RedisCommands<String, String> redis;
  private final List<DemoAccount> accounts;
  private final List<DemoStats> stats;
  private final long leaseMillis;
  private final BooleanSupplier running;

  DemoWorker(
      Protocol protocol,
      RedMutex mutex,
      RedisCommands<String, String> redis,
      List<DemoAccount> accounts,
      List<DemoStats> stats,
      Duration leaseTime,
      BooleanSupplier running) {
    this.protocol = protocol;
    this.mutex = mutex;
    this.redis = redis;
    this.accounts = accounts;
    this.stats = stats;
    this.leaseMillis = leaseTime.toMillis();
    this.running = running;
  }

  @Override
  public void run() {
    try {
      while (running.getAsBoolean()) {
        int i = ThreadLocalRandom.current().nextInt(accounts.size());
        if (protocol == Protocol.REDMUTEX) {
          depositWithRedmutex(accounts.get(i), stats.get(i));
        } else {
          depositWithSeed(accounts.get(i), stats.get(i));
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void depositWithRedmutex(DemoAccount account, DemoStats stats)
      throws InterruptedException {
    long start = System.nanoTime();
    Lease lease;
    try {
      lease = mutex.acquire(account.lockName(), WAIT);
    } catch (LockTimeoutException busy) {
      return;
    }
    stats.acquired(System.nanoTime() - start);
    boolean accepted = false;
    try {
      Long balance = account.fencedRead(redis, lease.fencingToken());
      if (balance != null) {
        Thread.sleep(WORK_MILLIS);
        accepted = account.fencedWrite(redis, balance + AMOUNT, lease.fencingToken());
      }
    } finally {
      try {
        lease.release();
      } catch (LockLostException e) {
        stats.leaseLost();
      }
    }
    if (accepted) {
      stats.deposited();
    } else {
      stats.rejected();
    }
  }

  private void depositWithSeed(DemoAccount account, DemoStats stats) throws InterruptedException {
    SeedLock lock = new SeedLock(redis, account.lockName(), leaseMillis);
    long start = System.nanoTime();
    if (!lock.take(running)) {
      return;
    }
    stats.acquired(System.nanoTime() - start);
    long balance = account.balance(redis);
    Thread.sleep(WORK_MILLIS);
    account.plainWrite(redis, balance + AMOUNT);
    lock.release();
    stats.deposited();
  }
}
