package io.redmutex.integration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.redmutex.LockListener;
import io.redmutex.RedMutex;
import io.redmutex.testkit.PrintRedisLogsOnFailure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Lock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.integration.support.locks.DistributedLock;
import org.springframework.integration.support.locks.LockRegistry;

/**
 * The lock semantics of Spring Integration's {@code RedisLockRegistryTests} (7.0.5), ported to
 * {@link RedMutexLockRegistry} against the Redis a subclass supplies: each test names the upstream
 * case it ports. Upstream's fixed sleeps became waits on conditions; cases that test {@code
 * RedisLockRegistry}'s internals (its executor, pub-sub mode, cache field) are left out, and its
 * expiry of a live holder's lock, which redmutex's renewal prevents on purpose, is tested as the
 * loss of a key deleted behind the holder's back (and, in {@link PartitionedHolderTest}, of a
 * holder cut off from Redis).
 */
@ExtendWith(PrintRedisLogsOnFailure.class)
abstract class LockRegistryContractTest {

  /** The URI clients connect with. */
  protected abstract String uri();

  /** Runs one command on the master that holds the key {@code args[1]}. */
  protected abstract String admin(String... args);

  private final List<RedMutex> clients = new ArrayList<>();
  private final List<ExecutorService> executors = new ArrayList<>();
  private RedMutex mutex;
  private String registryKey;

  @BeforeEach
  void connect(TestInfo info) {
    registryKey = "si:" + info.getTestMethod().orElseThrow().getName() + ":" + System.nanoTime();
    mutex = client(LockListener.none());
  }

  @AfterEach
  void disconnect() {
    executors.forEach(ExecutorService::shutdownNow);
    clients.forEach(RedMutex::close);
  }

  private RedMutex client(LockListener listener) {
    RedMutex client = RedMutex.builder().uri(uri()).listener(listener).build();
    clients.add(client);
    return client;
  }

  private RedMutexLockRegistry registry() {
    return new RedMutexLockRegistry(mutex, registryKey);
  }

  /** A registry on a client of its own: another process. */
  private RedMutexLockRegistry registryOfAnotherProcess() {
    return new RedMutexLockRegistry(client(LockListener.none()), registryKey);
  }

  private ExecutorService executor(int threads) {
    ExecutorService executor = Executors.newFixedThreadPool(threads);
    executors.add(executor);
    return executor;
  }

  private String key(String lockKey) {
    return registryKey + ":" + lockKey;
  }

  private boolean keyExists(String lockKey) {
    return admin("EXISTS", key(lockKey)).equals("1");
  }

  // ---- one thread ----

  @Test // testLock
  void lock_thenUnlock_tenTimes_usesOneCachedLockAndLeavesNoKey() {
    RedMutexLockRegistry registry = registry();
    for (int i = 0; i < 10; i++) {
      Lock lock = registry.obtain("foo");
      lock.lock();
      try {
        assertThat(registry.cachedLocks()).isEqualTo(1);
        assertThat(keyExists("foo")).isTrue();
      } finally {
        lock.unlock();
      }
    }
    assertThat(keyExists("foo")).isFalse();
    registry.expireUnusedOlderThan(-1000);
    assertThat(registry.cachedLocks()).isZero();
  }

  @Test // testLockInterruptibly
  void lockInterruptibly_thenUnlock_tenTimes() throws InterruptedException {
    RedMutexLockRegistry registry = registry();
    for (int i = 0; i < 10; i++) {
      Lock lock = registry.obtain("foo");
      lock.lockInterruptibly();
      try {
        assertThat(keyExists("foo")).isTrue();
      } finally {
        lock.unlock();
      }
    }
    assertThat(keyExists("foo")).isFalse();
  }

  @Test // testReentrantLock, testReentrantLockInterruptibly
  void lock_twiceByTheSameThread_isReentrant_andTheLastUnlockGivesItBack()
      throws InterruptedException {
    RedMutexLockRegistry registry = registry();
    for (int i = 0; i < 10; i++) {
      Lock lock1 = registry.obtain("foo");
      lock1.lockInterruptibly();
      try {
        Lock lock2 = registry.obtain("foo");
        assertThat(lock2).isSameAs(lock1);
        lock2.lock();
        lock2.unlock();
        assertThat(keyExists("foo")).isTrue();
      } finally {
        lock1.unlock();
      }
      assertThat(keyExists("foo")).isFalse();
    }
  }

  @Test // testTwoLocks
  void twoKeys_areTwoLocks() throws InterruptedException {
    RedMutexLockRegistry registry = registry();
    Lock foo = registry.obtain("foo");
    foo.lockInterruptibly();
    try {
      Lock bar = registry.obtain("bar");
      assertThat(bar).isNotSameAs(foo);
      bar.lockInterruptibly();
      assertThat(keyExists("bar")).isTrue();
      bar.unlock();
    } finally {
      foo.unlock();
    }
  }

  @Test // testLockWithCustomTtl, testTryLockWithCustomTtl, testRenewalOnExpire
  void lock_heldLongerThanItsTimeToLive_isRenewed_andUnlocksCleanly() throws Exception {
    Map<String, AtomicInteger> renewals = new ConcurrentHashMap<>();
    RedMutex counting =
        client(
            new LockListener() {
              @Override
              public void renewed(String name, long fencingToken) {
                renewals.computeIfAbsent(name, n -> new AtomicInteger()).incrementAndGet();
              }
            });
    RedMutexLockRegistry registry =
        new RedMutexLockRegistry(counting, registryKey, Duration.ofMillis(1200));
    DistributedLock withDefault = registry.obtain("default");
    DistributedLock withTtl = registry.obtain("custom");
    assertThat(withDefault.tryLock()).isTrue();
    withTtl.lock(Duration.ofMillis(900));
    assertThat(Long.parseLong(admin("PTTL", key("custom")))).isBetween(1L, 900L);

    // Renewed every third of its time to live: after four renewals, each outlived it.
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                renewals.getOrDefault(key("default"), new AtomicInteger()).get() >= 4
                    && renewals.getOrDefault(key("custom"), new AtomicInteger()).get() >= 4);

    assertThat(keyExists("default")).isTrue();
    assertThat(keyExists("custom")).isTrue();
    assertThatCode(withDefault::unlock).doesNotThrowAnyException();
    assertThatCode(withTtl::unlock).doesNotThrowAnyException();
    DistributedLock tried = registry.obtain("tried");
    assertThat(tried.tryLock(Duration.ofMillis(100), Duration.ofSeconds(5))).isTrue();
    assertThat(Long.parseLong(admin("PTTL", key("tried")))).isBetween(1201L, 5000L);
    tried.unlock();
  }

  @Test // testUnlockAfterLockStatusHasBeenExpired, testExceptionOnExpire
  void unlock_afterTheKeyWasDeletedBehindTheHoldersBack_throwsConcurrentModification() {
    RedMutexLockRegistry registry = registry();
    Lock lock = registry.obtain("foo");
    assertThat(lock.tryLock()).isTrue();

    admin("DEL", key("foo"));

    assertThatThrownBy(lock::unlock)
        .isInstanceOf(ConcurrentModificationException.class)
        .hasMessageContaining("Lock was released in the store")
        .hasMessageContaining(key("foo"));
    assertThat(lock.tryLock()).as("usable again after the failed unlock").isTrue();
    lock.unlock();
  }

  @Test
  void lockWithTtl_outsideRedmutexBounds_isRefusedBeforeLocking() {
    DistributedLock lock = registry().obtain("foo");

    assertThatThrownBy(() -> lock.lock(Duration.ofMillis(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("100 ms");
    assertThatThrownBy(() -> new RedMutexLockRegistry(mutex, registryKey, Duration.ofMillis(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(lock.tryLock()).isTrue();
    lock.unlock();
  }

  @Test
  void obtain_aKeyThatIsNotAString_isRefused() {
    assertThatThrownBy(() -> registry().obtain(42))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("java.lang.Integer");
  }

  // ---- threads of one registry ----

  @Test // testTwoThreadsSecondFailsToGetLock
  void tryLock_byASecondThread_failsWhileHeld_andItsUnlockThrows() throws Exception {
    RedMutexLockRegistry registry = registry();
    Lock lock1 = registry.obtain("foo");
    lock1.lockInterruptibly();
    Future<Object> result =
        executor(1)
            .submit(
                () -> {
                  Lock lock2 = registry.obtain("foo");
                  boolean locked = lock2.tryLock(200, TimeUnit.MILLISECONDS);
                  try {
                    lock2.unlock();
                  } catch (IllegalStateException ise) {
                    return locked ? "locked" : ise;
                  }
                  return "unlocked";
                });

    Object outcome = result.get(10, TimeUnit.SECONDS);
    lock1.unlock();

    assertThat(outcome).isInstanceOf(IllegalStateException.class);
    assertThat(((Exception) outcome).getMessage()).contains("You do not own lock at");
  }

  @Test // testTwoThreads
  void lockInterruptibly_byASecondThread_waitsForTheFirstsUnlock() throws Exception {
    RedMutexLockRegistry registry = registry();
    Lock lock1 = registry.obtain("foo");
    AtomicBoolean locked = new AtomicBoolean();
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch done = new CountDownLatch(1);
    lock1.lockInterruptibly();
    executor(1)
        .execute(
            () -> {
              Lock lock2 = registry.obtain("foo");
              started.countDown();
              try {
                lock2.lockInterruptibly();
                locked.set(true);
                lock2.unlock();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } finally {
                done.countDown();
              }
            });
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(done.await(100, TimeUnit.MILLISECONDS)).isFalse();
    assertThat(locked).isFalse();

    lock1.unlock();

    assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(locked).isTrue();
  }

  @Test // testTwoThreadsWrongOneUnlocks
  void unlock_byAThreadThatDoesNotHoldIt_throwsIllegalState_andLeavesTheLockHeld()
      throws Exception {
    RedMutexLockRegistry registry = registry();
    Lock lock = registry.obtain("foo");
    lock.lockInterruptibly();

    Future<Object> result =
        executor(1)
            .submit(
                () -> {
                  try {
                    lock.unlock();
                    return null;
                  } catch (IllegalStateException ise) {
                    return ise;
                  }
                });

    Object ise = result.get(10, TimeUnit.SECONDS);
    assertThat(ise).isInstanceOf(IllegalStateException.class);
    assertThat(((Exception) ise).getMessage()).contains("You do not own lock at " + key("foo"));
    assertThat(keyExists("foo")).isTrue();
    lock.unlock();
    assertThat(keyExists("foo")).isFalse();
  }

  @Test // testThreadLocalListLeaks
  void tenLocksHeldAtOnce_areTenCachedLocks() {
    RedMutexLockRegistry registry = registry();
    for (int i = 0; i < 10; i++) {
      registry.obtain("foo" + i).lock();
    }
    assertThat(registry.cachedLocks()).isEqualTo(10);
    for (int i = 0; i < 10; i++) {
      registry.obtain("foo" + i).unlock();
    }
    assertThat(registry.cachedLocks()).isEqualTo(10);
  }

  @Test // testExpireNotChanged
  void tryLock_thatFails_leavesTheHoldersKeyAlone() throws Exception {
    RedMutexLockRegistry registry = registry();
    Lock lock = registry.obtain("foo");
    lock.lock();
    String holder = admin("GET", key("foo"));
    long ttl = Long.parseLong(admin("PTTL", key("foo")));

    boolean second = executor(1).submit(() -> registry.obtain("foo").tryLock()).get();
    boolean otherProcess = registryOfAnotherProcess().obtain("foo").tryLock();

    assertThat(second).isFalse();
    assertThat(otherProcess).isFalse();
    assertThat(admin("GET", key("foo"))).isEqualTo(holder);
    assertThat(Long.parseLong(admin("PTTL", key("foo")))).isLessThanOrEqualTo(ttl);
    lock.unlock();
  }

  @Test // setCapacityTest
  void obtain_beyondTheCacheCapacity_dropsTheLeastRecentlyUsedUnlockedLocks() {
    RedMutexLockRegistry registry = registry();
    registry.setCacheCapacity(4);
    Lock first = registry.obtain("foo:1");
    registry.obtain("foo:2");
    registry.obtain("foo:3");
    registry.setCacheCapacity(3);

    registry.obtain("foo:4");

    assertThat(registry.cachedLocks()).isEqualTo(3);
    assertThat(registry.obtain("foo:1")).isNotSameAs(first);
  }

  @Test // noSecondLockOnEviction
  void aLockedLock_isNeverEvicted_soNoSecondLockObjectCanTakeIt() throws Exception {
    RedMutexLockRegistry registry = registry();
    registry.setCacheCapacity(2);
    CountDownLatch held = new CountDownLatch(1);
    CountDownLatch letGo = new CountDownLatch(1);
    executor(1)
        .execute(
            () -> {
              Lock lock1 = registry.obtain("lock1");
              lock1.lock();
              try {
                held.countDown();
                letGo.await(10, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } finally {
                lock1.unlock();
              }
            });
    assertThat(held.await(10, TimeUnit.SECONDS)).isTrue();
    registry.obtain("lock2");
    registry.obtain("lock3");

    DistributedLock lock1 = registry.obtain("lock1");

    assertThat(lock1.tryLock(200, TimeUnit.MILLISECONDS)).isFalse();
    letGo.countDown();
    assertThat(lock1.tryLock(10, TimeUnit.SECONDS)).isTrue();
    lock1.unlock();
  }

  @Test // testTwoThreadsRemoveAndObtainSameLockSimultaneously
  void expireUnusedOlderThan_racingObtain_neverLetsTwoThreadsHoldAKeyAtOnce() throws Exception {
    RedMutexLockRegistry registry = registry();
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger overlaps = new AtomicInteger();
    AtomicInteger acquired = new AtomicInteger();
    int rounds = 50;
    for (int i = 0; i < rounds; i++) {
      String lockKey = "testKey" + i;
      CountDownLatch go = new CountDownLatch(1);
      Callable<Void> contender =
          () -> {
            go.await();
            registry.expireUnusedOlderThan(-1);
            Lock lock = registry.obtain(lockKey);
            if (lock.tryLock(5, TimeUnit.SECONDS)) {
              try {
                if (inside.incrementAndGet() > 1) {
                  overlaps.incrementAndGet();
                }
                acquired.incrementAndGet();
                inside.decrementAndGet();
              } finally {
                lock.unlock();
              }
            }
            return null;
          };
      ExecutorService pair = executor(2);
      Future<Void> one = pair.submit(contender);
      Future<Void> two = pair.submit(contender);
      go.countDown();
      one.get(10, TimeUnit.SECONDS);
      two.get(10, TimeUnit.SECONDS);
    }
    assertThat(overlaps).hasValue(0);
    assertThat(acquired).hasValue(2 * rounds);
  }

  @Test // testUnlockWhenInterruptedBlocksUntilKeyRemoved
  void unlock_byAnInterruptedThread_stillGivesTheKeyBack_andKeepsTheFlag() throws Exception {
    RedMutexLockRegistry registry = registry();
    Lock lock = registry.obtain("test");
    AtomicBoolean flagAfterUnlock = new AtomicBoolean();

    executor(1)
        .submit(
            () -> {
              lock.lock();
              Thread.currentThread().interrupt();
              lock.unlock();
              flagAfterUnlock.set(Thread.interrupted());
            })
        .get(10, TimeUnit.SECONDS);

    assertThat(keyExists("test")).isFalse();
    assertThat(flagAfterUnlock).isTrue();
    assertThat(registry.obtain("test").tryLock()).isTrue();
    registry.obtain("test").unlock();
  }

  /**
   * Issue 19 (review finding R3): {@code Lock.tryLock()} takes a free lock whatever the interrupt
   * flag says, as {@code ReentrantLock.tryLock()} does, and keeps the flag.
   */
  @Test
  void tryLock_withTheInterruptFlagSet_takesAFreeLock_andKeepsTheFlag() {
    Lock lock = registry().obtain("interrupted");
    Thread.currentThread().interrupt();
    boolean took;
    try {
      took = lock.tryLock();
    } finally {
      assertThat(Thread.interrupted()).as("the interrupt flag is kept").isTrue();
    }
    assertThat(took).isTrue();
    lock.unlock();
    assertThat(admin("EXISTS", key("interrupted"))).isEqualTo("0");
  }

  @Test
  void lockInterruptibly_whenInterruptedWhileWaiting_throwsInterrupted() throws Exception {
    RedMutexLockRegistry registry = registry();
    Lock lock = registry.obtain("foo");
    lock.lock();
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    Thread waiter =
        new Thread(
            () -> {
              try {
                registry.obtain("foo").lockInterruptibly();
              } catch (Throwable e) {
                thrown.set(e);
              }
            });
    waiter.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> waiter.getState() == Thread.State.WAITING);

    waiter.interrupt();
    waiter.join(10_000);

    assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
    lock.unlock();
  }

  @Test
  void lock_whenInterruptedWhileWaiting_waitsOn_andKeepsTheFlag() throws Exception {
    RedMutexLockRegistry registry = registry();
    Lock lock = registry.obtain("foo");
    lock.lock();
    AtomicBoolean flagWhenLocked = new AtomicBoolean();
    Thread waiter =
        new Thread(
            () -> {
              Lock mine = registry.obtain("foo");
              mine.lock();
              flagWhenLocked.set(Thread.currentThread().isInterrupted());
              mine.unlock();
            });
    waiter.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> waiter.getState() == Thread.State.WAITING);

    waiter.interrupt();
    waiter.join(100);
    assertThat(waiter.isAlive()).as("still waiting after the interrupt").isTrue();
    lock.unlock();
    waiter.join(10_000);

    assertThat(waiter.isAlive()).isFalse();
    assertThat(flagWhenLocked).isTrue();
    assertThat(keyExists("foo")).isFalse();
  }

  // ---- registries ----

  @Test // testTwoThreadsDifferentRegistries, twoRedisLockRegistryTest
  void twoRegistries_onOneClientOrTwo_excludeEachOther() throws Exception {
    for (RedMutexLockRegistry other :
        List.of(new RedMutexLockRegistry(mutex, registryKey), registryOfAnotherProcess())) {
      RedMutexLockRegistry registry = registry();
      Lock lock1 = registry.obtain("foo");
      lock1.lockInterruptibly();
      CountDownLatch done = new CountDownLatch(1);
      AtomicBoolean locked = new AtomicBoolean();
      executor(1)
          .execute(
              () -> {
                Lock lock2 = other.obtain("foo");
                lock2.lock();
                locked.set(true);
                lock2.unlock();
                done.countDown();
              });
      assertThat(done.await(100, TimeUnit.MILLISECONDS)).isFalse();
      assertThat(locked).isFalse();

      lock1.unlock();

      assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(locked).isTrue();
    }
  }

  @Test // testEquals
  void sameKey_isOneLockPerRegistry_andTwoRegistryKeysAreIndependent() {
    RedMutexLockRegistry registry1 = registry();
    RedMutexLockRegistry registry2 = registry();
    RedMutexLockRegistry registry3 = new RedMutexLockRegistry(mutex, registryKey + "-other");

    Lock lock1 = registry1.obtain("foo");
    assertThat(registry1.obtain("foo")).isEqualTo(lock1);
    Lock lock2 = registry2.obtain("foo");
    assertThat(lock2).isNotEqualTo(lock1);
    lock1.lock();
    assertThat(lock2.tryLock()).isFalse();
    Lock lock3 = registry3.obtain("foo");
    assertThat(lock3.tryLock()).isTrue();
    lock3.unlock();
    lock1.unlock();
    assertThat(lock2.tryLock()).isTrue();
    lock2.unlock();
  }

  @Test // multiRedisLockRegistryTest
  void tenRegistriesOfTenProcesses_takeTurns() throws Exception {
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger overlaps = new AtomicInteger();
    AtomicInteger done = new AtomicInteger();
    List<Callable<Void>> contenders = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      RedMutexLockRegistry registry = registryOfAnotherProcess();
      contenders.add(
          () -> {
            Lock lock = registry.obtain("testKey");
            lock.lock();
            try {
              if (inside.incrementAndGet() > 1) {
                overlaps.incrementAndGet();
              }
              inside.decrementAndGet();
              done.incrementAndGet();
            } finally {
              lock.unlock();
            }
            return null;
          });
    }
    ExecutorService executor = executor(10);
    for (int round = 0; round < 3; round++) {
      for (Future<Void> f : executor.invokeAll(contenders)) {
        f.get(10, TimeUnit.SECONDS);
      }
    }
    assertThat(done).hasValue(30);
    assertThat(overlaps).hasValue(0);
  }

  @Test // earlyWakeUpTest
  void unlock_withTwoRegistriesWaiting_letsExactlyOneIn() throws Exception {
    RedMutexLockRegistry registry1 = registry();
    Lock lock1 = registry1.obtain("testKey");
    lock1.lock();
    AtomicInteger winners = new AtomicInteger();
    CountDownLatch ready = new CountDownLatch(2);
    List<Lock> waiters =
        List.of(registry().obtain("testKey"), registryOfAnotherProcess().obtain("testKey"));
    List<Future<Boolean>> results = new ArrayList<>();
    ExecutorService executor = executor(2);
    for (Lock waiter : waiters) {
      results.add(
          executor.submit(
              () -> {
                ready.countDown();
                boolean won = waiter.tryLock(30, TimeUnit.SECONDS);
                if (won) {
                  winners.incrementAndGet();
                }
                return won;
              }));
    }
    assertThat(ready.await(10, TimeUnit.SECONDS)).isTrue();

    lock1.unlock();

    // The winner keeps the lock (it never unlocks), so the other waiter cannot finish.
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> results.stream().filter(Future::isDone).count() == 1);
    assertThat(winners).hasValue(1);
  }

  // ---- renewal and fencing ----

  @Test // testLockRenew
  void renewLock_byTheHolder_setsTheTimeToLiveToExpireAfter() {
    RedMutexLockRegistry registry = registry();
    DistributedLock lock = registry.obtain("foo");
    lock.lock(Duration.ofSeconds(2));
    try {
      registry.renewLock("foo");
      assertThat(Long.parseLong(admin("PTTL", key("foo")))).isGreaterThan(30_000L);
    } finally {
      lock.unlock();
    }
  }

  @Test // testLockRenewLockNotOwned
  void renewLock_whenNotHeld_throwsIllegalState() {
    RedMutexLockRegistry registry = registry();
    registry.obtain("foo");

    assertThatThrownBy(() -> registry.renewLock("foo"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(key("foo"));
    assertThatThrownBy(() -> registry.renewLock("never-obtained"))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test // testLockRenewWithCustomTtl
  void renewLock_withATtl_keepsAnotherProcessOut() throws InterruptedException {
    RedMutexLockRegistry registry = registry();
    DistributedLock lock = registry.obtain("foo");
    Lock lockOfAnotherProcess = registryOfAnotherProcess().obtain("foo");
    assertThat(lock.tryLock(Duration.ofMillis(100), Duration.ofSeconds(1))).isTrue();
    try {
      registry.renewLock("foo", Duration.ofSeconds(5));
      assertThat(Long.parseLong(admin("PTTL", key("foo")))).isBetween(1_001L, 5_000L);
      assertThat(lockOfAnotherProcess.tryLock(100, TimeUnit.MILLISECONDS)).isFalse();
    } finally {
      lock.unlock();
    }
  }

  @Test
  void fencingToken_ofEachHold_isLargerThanTheLast_andOnlyTheHolderHasOne() throws Exception {
    RedMutexLockRegistry registry = registry();
    Lock lock = registry.obtain("foo");
    lock.lock();
    long first = registry.fencingToken("foo");
    Future<?> other = executor(1).submit(() -> registry.fencingToken("foo"));
    lock.unlock();
    long second = registry.executeLocked("foo", () -> registry.fencingToken("foo"));

    assertThat(second).isGreaterThan(first);
    assertThatThrownBy(other::get).hasCauseInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> registry.fencingToken("foo"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(key("foo"));
  }

  // ---- LockRegistry's executeLocked helpers ----

  @Test
  void executeLocked_runsTheTaskUnderTheLock_andGivesItBack() throws Exception {
    LockRegistry<DistributedLock> registry = registry();
    AtomicBoolean ranLocked = new AtomicBoolean();

    registry.executeLocked("foo", () -> ranLocked.set(keyExists("foo")));
    String result =
        registry.executeLocked("foo", Duration.ofSeconds(1), () -> keyExists("foo") ? "held" : "");
    registry.executeLocked("foo", Duration.ofSeconds(1), () -> ranLocked.compareAndSet(true, true));

    assertThat(ranLocked).isTrue();
    assertThat(result).isEqualTo("held");
    assertThat(keyExists("foo")).isFalse();
  }

  @Test
  void executeLocked_withAWait_whileAnotherProcessHoldsIt_throwsTimeout() throws Exception {
    RedMutexLockRegistry registry = registry();
    Lock other = registryOfAnotherProcess().obtain("foo");
    assertThat(other.tryLock()).isTrue();
    AtomicBoolean ran = new AtomicBoolean();

    assertThatThrownBy(
            () -> registry.executeLocked("foo", Duration.ofMillis(100), () -> ran.set(true)))
        .isInstanceOf(TimeoutException.class)
        .hasMessageContaining("foo");
    assertThat(ran).isFalse();
    other.unlock();
  }

  @Test
  void executeLocked_whenTheTaskThrows_givesTheLockBack_andRethrows() {
    RedMutexLockRegistry registry = registry();

    assertThatThrownBy(
            () ->
                registry.executeLocked(
                    "foo",
                    () -> {
                      throw new IllegalStateException("boom");
                    }))
        .hasMessage("boom");
    assertThat(keyExists("foo")).isFalse();
  }
}
