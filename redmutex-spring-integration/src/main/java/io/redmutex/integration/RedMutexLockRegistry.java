package io.redmutex.integration;

import io.redmutex.Lease;
import io.redmutex.LockLostException;
import io.redmutex.RedMutex;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import org.springframework.integration.support.locks.DistributedLock;
import org.springframework.integration.support.locks.ExpirableLockRegistry;
import org.springframework.integration.support.locks.RenewableLockRegistry;
import org.springframework.scheduling.TaskScheduler;

/**
 * A Spring Integration {@link org.springframework.integration.support.locks.LockRegistry} whose
 * locks are redmutex leases: a drop-in for {@code RedisLockRegistry}, with fencing tokens and
 * background renewal.
 *
 * <pre>{@code
 * @Bean
 * RedMutexLockRegistry lockRegistry(RedMutex mutex) {
 *   return new RedMutexLockRegistry(mutex, "orders");      // keys "orders:<lockKey>"
 * }
 *
 * registry.executeLocked("42", Duration.ofSeconds(5), () -> {
 *   store.write(order, registry.fencingToken("42"));       // the store rejects older tokens
 * });
 * }</pre>
 *
 * <p>As with {@code RedisLockRegistry}:
 *
 * <ul>
 *   <li>{@link #obtain} takes a {@code String} key and returns the same lock for the same key while
 *       it is cached (up to {@linkplain #setCacheCapacity 256} unlocked locks; a locked one is
 *       never evicted). The Redis lock name is {@code registryKey + ":" + lockKey}.
 *   <li>Locks are re-entrant per thread and scoped by the registry: another registry's lock with
 *       the same key, in this process or another, is a different owner, and waits.
 *   <li>{@code unlock()} by a thread that does not hold the lock throws {@link
 *       IllegalStateException}; an unlock that finds the lease lost throws {@link
 *       java.util.ConcurrentModificationException} (the protected work may have overlapped with
 *       another holder's).
 *   <li>A failure to reach Redis while locking throws Spring's {@code CannotAcquireLockException}.
 *   <li>{@code executeLocked(...)} work unchanged (they are {@code LockRegistry}'s defaults).
 * </ul>
 *
 * <p><b>Expiry and renewal differ, on purpose.</b> {@code expireAfter} (default 60 s, like {@code
 * RedisLockRegistry}'s) is the time to live of a lock's key: how long a holder that crashed or lost
 * Redis keeps others out. A live holder's lease is renewed in the background every third of it,
 * always, so a long task does not lose its lock; {@code RedisLockRegistry} renews only when given a
 * renewal {@link TaskScheduler}, which this registry does not need ({@link
 * #setRenewalTaskScheduler} is accepted and ignored). {@link #renewLock(Object, Duration)} sets a
 * held lock's time to live now (and for its later renewals). Each take costs two round trips: the
 * take, and setting its time to live to {@code expireAfter}.
 */
public final class RedMutexLockRegistry
    implements ExpirableLockRegistry<DistributedLock>, RenewableLockRegistry<DistributedLock> {

  /** The default time to live of a lock's key: 60 s, as {@code RedisLockRegistry}'s. */
  public static final Duration DEFAULT_EXPIRE_AFTER = Duration.ofSeconds(60);

  /** The default number of locks kept for reuse: 256, as {@code RedisLockRegistry}'s. */
  public static final int DEFAULT_CACHE_CAPACITY = 256;

  private final RedMutex mutex;
  private final String prefix;
  private final Duration expireAfter;
  private final ReentrantLock cacheLock = new ReentrantLock();
  private final Map<String, RegistryLock> locks = new LinkedHashMap<>(16, 0.75f, true);
  private int cacheCapacity = DEFAULT_CACHE_CAPACITY; // guarded by cacheLock

  /**
   * A registry whose lock names are the lock keys as given, with the default expiry.
   *
   * @param mutex the client whose leases back the locks
   */
  public RedMutexLockRegistry(RedMutex mutex) {
    this(mutex, "", DEFAULT_EXPIRE_AFTER);
  }

  /**
   * A registry whose lock names are {@code registryKey + ":" + lockKey}.
   *
   * @param mutex the client whose leases back the locks
   * @param registryKey the prefix of every lock key, as RedisLockRegistry's registry key
   */
  public RedMutexLockRegistry(RedMutex mutex, String registryKey) {
    this(mutex, registryKey, DEFAULT_EXPIRE_AFTER);
  }

  /**
   * A registry whose lock names are {@code registryKey + ":" + lockKey} (the lock key alone when
   * {@code registryKey} is empty), with keys that live {@code expireAfter} without renewal.
   *
   * @param mutex the client whose leases back the locks
   * @param registryKey the prefix of every lock key, as RedisLockRegistry's registry key
   * @param expireAfter how long a crashed holder's lock blocks others (the lease time)
   * @throws IllegalArgumentException if {@code expireAfter} is outside {@link
   *     RedMutex#MIN_LEASE_TIME} (100 ms) to {@link RedMutex#MAX_LEASE_TIME}
   */
  public RedMutexLockRegistry(RedMutex mutex, String registryKey, Duration expireAfter) {
    this.mutex = Objects.requireNonNull(mutex, "mutex");
    this.prefix =
        Objects.requireNonNull(registryKey, "registryKey").isEmpty() ? "" : registryKey + ":";
    this.expireAfter = checkTtl(Objects.requireNonNull(expireAfter, "expireAfter"));
  }

  static Duration checkTtl(Duration ttl) {
    if (ttl.compareTo(RedMutex.MIN_LEASE_TIME) < 0 || ttl.compareTo(RedMutex.MAX_LEASE_TIME) > 0) {
      throw new IllegalArgumentException(
          "a lock's time to live must be between "
              + RedMutex.MIN_LEASE_TIME.toMillis()
              + " ms and "
              + RedMutex.MAX_LEASE_TIME.toDays()
              + " days, was "
              + ttl);
    }
    return ttl;
  }

  /**
   * The lock for {@code lockKey}: the same object for the same key while it is cached.
   *
   * @throws IllegalArgumentException if {@code lockKey} is not a {@code String}
   */
  @Override
  public DistributedLock obtain(Object lockKey) {
    String key = key(lockKey);
    cacheLock.lock();
    try {
      RegistryLock lock = locks.get(key);
      if (lock == null) {
        lock = new RegistryLock(mutex, prefix + key, expireAfter);
        locks.put(key, lock);
        evictUnlockedBeyond(cacheCapacity);
      }
      return lock;
    } finally {
      cacheLock.unlock();
    }
  }

  private static String key(Object lockKey) {
    if (!(lockKey instanceof String key)) {
      throw new IllegalArgumentException(
          "lock keys must be Strings, was "
              + (lockKey == null ? "null" : lockKey.getClass().getName()));
    }
    return key;
  }

  /** Drops the least recently used unlocked locks until at most {@code capacity} remain. */
  private void evictUnlockedBeyond(int capacity) {
    Iterator<RegistryLock> eldestFirst = locks.values().iterator();
    while (locks.size() > capacity && eldestFirst.hasNext()) {
      if (!eldestFirst.next().isLocked()) {
        eldestFirst.remove();
      }
    }
  }

  /**
   * How many locks to keep for reuse; beyond it, the least recently obtained unlocked ones are
   * dropped. Default {@value #DEFAULT_CACHE_CAPACITY}.
   *
   * @param cacheCapacity the most locks kept
   */
  public void setCacheCapacity(int cacheCapacity) {
    if (cacheCapacity < 1) {
      throw new IllegalArgumentException("cacheCapacity must be positive, was " + cacheCapacity);
    }
    cacheLock.lock();
    try {
      this.cacheCapacity = cacheCapacity;
    } finally {
      cacheLock.unlock();
    }
  }

  /** Drops the cached locks that are not locked and were last used more than {@code age} ms ago. */
  @Override
  public void expireUnusedOlderThan(long age) {
    long now = System.currentTimeMillis();
    cacheLock.lock();
    try {
      locks.values().removeIf(lock -> !lock.isLocked() && now - lock.lastUsedMillis() > age);
    } finally {
      cacheLock.unlock();
    }
  }

  /**
   * Sets the time to live of the calling thread's hold of {@code lockKey} to this registry's {@code
   * expireAfter}, now.
   *
   * @throws IllegalStateException if the calling thread does not hold the lock, or it was lost
   */
  @Override
  public void renewLock(Object lockKey) {
    renewLock(lockKey, expireAfter);
  }

  /**
   * Sets the time to live of the calling thread's hold of {@code lockKey} to {@code ttl}, now and
   * for the background renewals that follow.
   *
   * @throws IllegalStateException if the calling thread does not hold the lock, or it was lost
   * @throws IllegalArgumentException if {@code ttl} is outside 100 ms to 30 days
   */
  @Override
  public void renewLock(Object lockKey, Duration ttl) {
    checkTtl(ttl);
    Lease lease = heldLease(lockKey, "Could not renew mutex at ");
    try {
      lease.extend(ttl);
    } catch (LockLostException lost) {
      throw new IllegalStateException(
          "Could not renew mutex at " + prefix + lockKey + ": " + lost.getMessage(), lost);
    }
  }

  /**
   * The fencing token of the calling thread's hold of {@code lockKey}: strictly larger than every
   * earlier hold's of the same name. Give it to the resource the lock protects.
   *
   * @param lockKey the key given to {@link #obtain}
   * @return the fencing token
   * @throws IllegalStateException if the calling thread does not hold the lock
   */
  public long fencingToken(Object lockKey) {
    return heldLease(lockKey, "No fencing token: the current thread does not hold ").fencingToken();
  }

  private Lease heldLease(Object lockKey, String failure) {
    String key = key(lockKey);
    RegistryLock lock;
    cacheLock.lock();
    try {
      lock = locks.get(key);
    } finally {
      cacheLock.unlock();
    }
    Lease lease = lock == null ? null : lock.heldLease();
    if (lease == null) {
      throw new IllegalStateException(
          failure + prefix + key + " (thread " + Thread.currentThread().getName() + ")");
    }
    return lease;
  }

  /** How many locks are cached now; for tests. */
  int cachedLocks() {
    cacheLock.lock();
    try {
      return locks.size();
    } finally {
      cacheLock.unlock();
    }
  }

  /** Ignored: redmutex renews every held lease in the background already. */
  @Override
  public void setRenewalTaskScheduler(TaskScheduler renewalTaskScheduler) {
    Objects.requireNonNull(renewalTaskScheduler, "renewalTaskScheduler");
  }

  @Override
  public String toString() {
    return "RedMutexLockRegistry[registryKey='" + prefix + "', expireAfter=" + expireAfter + "]";
  }
}
