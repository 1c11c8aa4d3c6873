package io.redmutex;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.redmutex.testkit.PrintRedisLogsOnFailure;
import io.redmutex.testkit.RedisServer;
import io.redmutex.testkit.Timing;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Faults of a standalone Redis: script cache flushed, restart, crash, freeze. */
@ExtendWith(PrintRedisLogsOnFailure.class)
class StandaloneFaultsTest {
  private RedisServer redis;
  private RedMutex mutex;

  @BeforeEach
  void start() {
    redis = RedisServer.start();
    mutex =
        RedMutex.builder()
            .uri(redis.uri())
            .leaseTime(Duration.ofMillis(900))
            .commandTimeout(Duration.ofMillis(500))
            .build();
  }

  @AfterEach
  void stop() {
    mutex.close();
    redis.close();
  }

  private static Duration scaled(Duration d) {
    return Timing.scaled(d);
  }

  @Test
  void scriptFlush_whileHolding_renewReleaseAndAcquireStillWork() {
    Lease lease = mutex.acquire("flushed", Duration.ZERO);
    redis.command("SCRIPT", "FLUSH");

    lease.extend(Duration.ofSeconds(5)); // EVALSHA -> NOSCRIPT -> EVAL
    redis.command("SCRIPT", "FLUSH");
    lease.release();
    redis.command("SCRIPT", "FLUSH");
    Lease again = mutex.acquire("flushed", Duration.ZERO);

    assertThat(again.fencingToken()).isGreaterThan(lease.fencingToken());
    again.release();
  }

  @Test
  void v1FenceKeyOfAnotherType_failsTheAcquire_andWritesNoLockKey() {
    // Somebody else's string where a v1 client's fence hash belongs: take.lua's read of it fails.
    // The caller is told why, and no lock key is left (take.lua reads before it writes;
    // a key written before the error would be given back as the take of an unknown outcome).
    redis.command("SET", "{typo}:fence", "not a hash");

    assertThatThrownBy(() -> mutex.acquire("typo", Duration.ofMillis(300)))
        .isInstanceOf(LockException.class)
        .hasStackTraceContaining("WRONGTYPE");
    assertThat(redis.command("EXISTS", "typo")).isEqualTo("0");
  }

  @Test
  void fenceRecordOfAnotherType_failsTheAcquire_andWritesNoLockKey() {
    // A hash where the fence record belongs (an operator's mistake): the take's first read fails,
    // before anything is written.
    redis.command("DEL", "redmutex:fence");
    redis.command("HSET", "redmutex:fence", "fence", "1");
    try {
      assertThatThrownBy(() -> mutex.acquire("record-typo", Duration.ofMillis(300)))
          .isInstanceOf(LockException.class)
          .hasStackTraceContaining("WRONGTYPE");
      assertThat(redis.command("EXISTS", "record-typo")).isEqualTo("0");
    } finally {
      redis.command("DEL", "redmutex:fence");
    }
  }

  @Test
  void restart_whileHolding_reportsLossWithinOneRenewalPeriod_andLocksWorkAgain() {
    Lease lease = mutex.acquire("restarted", Duration.ZERO);
    redis.restart(); // no persistence: the key is gone

    await().atMost(scaled(Duration.ofSeconds(10))).until(() -> !lease.isHeld());
    assertThatThrownBy(lease::release).isInstanceOf(LockLostException.class);
    Lease again = mutex.acquire("restarted", scaled(Duration.ofSeconds(10)));
    assertThat(again.isHeld()).isTrue();
    again.release();
  }

  @Test
  void restart_whileWaiting_waiterGetsTheLock() throws Exception {
    try (RedMutex other = RedMutex.builder().uri(redis.uri()).build()) {
      Lease held = other.acquire("waited-on", Duration.ZERO); // 30 s lease
      CompletableFuture<Lease> waiter =
          mutex.acquireAsync("waited-on", scaled(Duration.ofSeconds(20)));
      await().until(() -> !redis.command("PUBSUB", "NUMSUB", "{waited-on}:wake").endsWith(", 0]"));

      redis.restart(); // the holder's key is gone with the data

      Lease lease = waiter.get(scaled(Duration.ofSeconds(20)).toMillis(), TimeUnit.MILLISECONDS);
      assertThat(lease.isHeld()).isTrue();
      assertThat(lease.fencingToken()).isGreaterThan(held.fencingToken());
      lease.release();
    }
  }

  @Test
  void redisDown_acquireFailsWithinTheWait_withCause() {
    redis.kill();

    long start = System.nanoTime();
    assertThatThrownBy(() -> mutex.acquire("down", Duration.ofMillis(800)))
        .isInstanceOf(RedisUnavailableException.class)
        .hasMessageContaining("down")
        .hasMessageContaining(redis.host() + ":" + redis.port());
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isLessThan(Duration.ofMillis(800).plus(scaled(Duration.ofSeconds(3))));
  }

  @Test
  void redisFrozen_acquireFailsWithinTheWait_andNoLockIsLeftWhenItThaws() {
    // A lease far longer than the check: the key can only vanish in time by being given back.
    try (RedMutex longLeases =
        RedMutex.builder()
            .uri(redis.uri())
            .leaseTime(Duration.ofSeconds(60))
            .commandTimeout(Duration.ofMillis(500))
            .build()) {
      long recordBefore = fenceRecord();
      redis.pause();
      try {
        assertThatThrownBy(() -> longLeases.acquire("frozen", Duration.ofMillis(700)))
            .isInstanceOf(RedisUnavailableException.class);
      } finally {
        redis.resume();
      }
      // The take queued while frozen runs on thaw (it moves the fence record on: nothing else takes
      // a lock on this server meanwhile) and is then given back with its token.
      await().atMost(scaled(Duration.ofSeconds(10))).until(() -> fenceRecord() > recordBefore);
      await()
          .atMost(scaled(Duration.ofSeconds(10)))
          .until(() -> redis.command("EXISTS", "frozen").equals("0"));
      longLeases.acquire("frozen", scaled(Duration.ofSeconds(5))).release();
    }
  }

  /** The last fencing token issued on this server (wire protocol v2's record), 0 if none. */
  private long fenceRecord() {
    String stored = redis.command("GET", "redmutex:fence");
    return stored == null || stored.isEmpty() || stored.equals("null") ? 0 : Long.parseLong(stored);
  }

  @Test
  void renewal_whenRedisFrozen_reportsLossByLocalExpiry() {
    Lease lease = mutex.acquire("frozen-holder", Duration.ZERO);
    redis.pause();
    try {
      await().atMost(scaled(Duration.ofSeconds(5))).until(() -> !lease.isHeld());
    } finally {
      redis.resume();
    }
    assertThatThrownBy(lease::release).isInstanceOf(LockLostException.class);
  }
}
