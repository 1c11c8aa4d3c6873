package io.redmutex.shedlock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.redmutex.RedMutex;
import io.redmutex.testkit.PrintRedisLogsOnFailure;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import net.javacrumbs.shedlock.core.ClockProvider;
import net.javacrumbs.shedlock.core.DefaultLockingTaskExecutor;
import net.javacrumbs.shedlock.core.ExtensibleLockProvider;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.SimpleLock;
import net.javacrumbs.shedlock.test.support.AbstractExtensibleLockProviderIntegrationTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * ShedLock's own provider contract ({@code AbstractLockProviderIntegrationTest} and {@code
 * AbstractExtensibleLockProviderIntegrationTest} from {@code shedlock-test-support}, run as
 * published), against the Redis a subclass supplies, then this provider's own promises: the
 * deadline despite renewal, the lease time, fencing tokens and the key prefix. The checks read the
 * lock's key in Redis.
 */
@ExtendWith(PrintRedisLogsOnFailure.class)
abstract class ShedLockContractTest extends AbstractExtensibleLockProviderIntegrationTest {

  /** The URI clients connect with. */
  protected abstract String uri();

  /** Runs one command on the master that holds the key {@code args[1]}. */
  protected abstract String admin(String... args);

  private RedMutex mutex;
  private RedMutexLockProvider provider;
  private final List<AutoCloseable> others = new ArrayList<>();

  @BeforeEach
  void connect() {
    mutex = RedMutex.connect(uri());
    provider = new RedMutexLockProvider(mutex);
  }

  @AfterEach
  void disconnect() throws Exception {
    provider.close();
    mutex.close();
    for (AutoCloseable other : others) {
      other.close();
    }
  }

  /** A provider on a client of its own: another instance of the service. */
  private RedMutexLockProvider otherInstance(String keyPrefix) {
    RedMutex client = RedMutex.connect(uri());
    RedMutexLockProvider other = new RedMutexLockProvider(client, keyPrefix);
    others.add(other);
    others.add(client);
    return other;
  }

  private static LockConfiguration config(String name, Duration atMost, Duration atLeast) {
    return new LockConfiguration(ClockProvider.now(), name, atMost, atLeast);
  }

  @Test
  void lock_whenTheJobOutlivesLockAtMostFor_isGivenBackAtTheDeadlineAlthoughRenewed() {
    Duration atMost = Duration.ofMillis(300); // renewed every 100 ms while held
    long start = System.nanoTime();
    SimpleLock lock = provider.lock(config(LOCK_NAME1, atMost, Duration.ZERO)).orElseThrow();
    RedMutexLockProvider other = otherInstance("");

    Optional<SimpleLock> taken =
        await()
            .atMost(Duration.ofSeconds(10))
            .until(
                () -> other.lock(config(LOCK_NAME1, Duration.ofMinutes(1), Duration.ZERO)),
                Optional::isPresent);

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(atMost);
    assertThat(RedMutexLockProvider.currentFencingToken(LOCK_NAME1)).isEmpty();
    assertThatCode(lock::unlock).doesNotThrowAnyException(); // as ShedLock: a late unlock is quiet
    assertLocked(LOCK_NAME1); // and does not touch the new holder's key
    taken.get().unlock();
    assertUnlocked(LOCK_NAME1);
  }

  @Test
  void lock_setsTheKeysTimeToLiveToLockAtMostFor_atMostThirtySeconds() {
    SimpleLock shortJob =
        provider.lock(config(LOCK_NAME1, Duration.ofSeconds(5), Duration.ZERO)).orElseThrow();
    SimpleLock longJob =
        provider
            .lock(config(LOCK_NAME1 + "-long", Duration.ofHours(1), Duration.ZERO))
            .orElseThrow();

    assertThat(Long.parseLong(admin("PTTL", LOCK_NAME1))).isBetween(1L, 5000L);
    assertThat(Long.parseLong(admin("PTTL", LOCK_NAME1 + "-long"))).isBetween(1L, 30_000L);
    shortJob.unlock();
    longJob.unlock();
  }

  @Test
  void currentFencingToken_insideAJob_isItsLeasesToken_increasingFromRunToRun() {
    DefaultLockingTaskExecutor executor = new DefaultLockingTaskExecutor(provider);
    List<OptionalLong> seen = new ArrayList<>();
    Runnable job =
        () -> {
          seen.add(RedMutexLockProvider.currentFencingToken());
          seen.add(RedMutexLockProvider.currentFencingToken(LOCK_NAME1));
          seen.add(RedMutexLockProvider.currentFencingToken("another-job"));
        };

    executor.executeWithLock(job, config(LOCK_NAME1, Duration.ofMinutes(1), Duration.ZERO));
    executor.executeWithLock(job, config(LOCK_NAME1, Duration.ofMinutes(1), Duration.ZERO));

    assertThat(seen.get(0)).isPresent().isEqualTo(seen.get(1));
    assertThat(seen.get(2)).isEmpty();
    assertThat(seen.get(3).getAsLong()).isGreaterThan(seen.get(0).getAsLong());
    assertThat(RedMutexLockProvider.currentFencingToken()).isEmpty();
  }

  @Test
  void extend_keepsTheLeaseAndItsFencingToken() {
    SimpleLock lock =
        provider.lock(config(LOCK_NAME1, Duration.ofSeconds(5), Duration.ZERO)).orElseThrow();
    long token = RedMutexLockProvider.fencingToken(lock);

    SimpleLock extended = lock.extend(Duration.ofSeconds(20), Duration.ZERO).orElseThrow();

    assertThat(RedMutexLockProvider.fencingToken(extended)).isEqualTo(token);
    assertThat(RedMutexLockProvider.currentFencingToken()).hasValue(token);
    assertThat(Long.parseLong(admin("PTTL", LOCK_NAME1))).isGreaterThan(5000L);
    extended.unlock();
    assertUnlocked(LOCK_NAME1);
    assertThat(RedMutexLockProvider.currentFencingToken()).isEmpty();
  }

  @Test
  void unlock_whenLockAtLeastForHasPassed_deletesTheKeyAtOnce() {
    Instant longAgo = ClockProvider.now().minusSeconds(10);
    SimpleLock lock =
        provider
            .lock(
                new LockConfiguration(
                    longAgo, LOCK_NAME1, Duration.ofSeconds(30), Duration.ofSeconds(5)))
            .orElseThrow();

    lock.unlock();

    assertUnlocked(LOCK_NAME1);
  }

  @Test
  void unlock_beforeLockAtLeastFor_keepsOtherInstancesOut() {
    SimpleLock lock =
        provider
            .lock(config(LOCK_NAME1, Duration.ofMinutes(1), Duration.ofMinutes(1)))
            .orElseThrow();

    lock.unlock();

    assertLocked(LOCK_NAME1);
    assertThat(otherInstance("").lock(config(LOCK_NAME1, Duration.ofMinutes(1), Duration.ZERO)))
        .isEmpty();
    assertThat(RedMutexLockProvider.currentFencingToken()).isEmpty();
    assertThatThrownBy(lock::unlock)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(LOCK_NAME1);
  }

  @Test
  void keyPrefix_isPutBeforeShedLocksName() {
    SimpleLock lock =
        otherInstance("shedlock:")
            .lock(config(LOCK_NAME1, Duration.ofMinutes(1), Duration.ZERO))
            .orElseThrow();

    assertLocked("shedlock:" + LOCK_NAME1);
    assertUnlocked(LOCK_NAME1);
    lock.unlock();
    assertUnlocked("shedlock:" + LOCK_NAME1);
  }

  @Test
  void lock_whenItsKeyIsBrokenByAnOperator_endsTheJobsTokenAndUnlocksQuietly() {
    SimpleLock lock =
        provider.lock(config(LOCK_NAME1, Duration.ofMillis(600), Duration.ZERO)).orElseThrow();

    mutex.forceRelease(LOCK_NAME1);

    await() // renewal, every 200 ms, finds the key gone
        .atMost(Duration.ofSeconds(10))
        .until(() -> RedMutexLockProvider.currentFencingToken().isEmpty());
    assertThatCode(lock::unlock).doesNotThrowAnyException();
  }

  @Test
  void lock_afterClose_isRefused() {
    provider.close();

    assertThatThrownBy(
            () -> provider.lock(config(LOCK_NAME1, Duration.ofMinutes(1), Duration.ZERO)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(LOCK_NAME1);
  }

  @Override
  protected ExtensibleLockProvider getLockProvider() {
    return provider;
  }

  @Override
  protected void assertUnlocked(String lockName) {
    assertThat(admin("EXISTS", lockName)).as("key of lock %s exists", lockName).isEqualTo("0");
  }

  @Override
  protected void assertLocked(String lockName) {
    assertThat(admin("EXISTS", lockName)).as("key of lock %s exists", lockName).isEqualTo("1");
  }
}
