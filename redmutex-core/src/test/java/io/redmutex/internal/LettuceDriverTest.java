package io.redmutex.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.redmutex.testkit.PrintRedisLogsOnFailure;
import io.redmutex.testkit.RedisServer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The wire protocol scripts, one round trip each, against a real Redis. */
@ExtendWith(PrintRedisLogsOnFailure.class)
class LettuceDriverTest {
  private static RedisServer redis;
  private static final Taker TAKER = new Taker("test", "client-1");
  private static LettuceDriver driver;

  @BeforeAll
  static void start() {
    redis = RedisServer.start();
    driver =
        new LettuceDriver(RedisUris.parse(redis.uri(), "driver-test"), Duration.ofSeconds(5), null);
  }

  @AfterAll
  static void stop() {
    driver.close();
    redis.close();
  }

  /**
   * Issue 9, finding 3: a hand-off that Lettuce sends again after a reconnect (the first ran, its
   * reply was lost) finds the lock already handed over: that is success, with the same fencing
   * token, not "the releasing token no longer held it" (which the releaser would report as a loss).
   */
  @Test
  void handOff_replayed_succeedsWithTheSameFencingToken() {
    LockKeys keys = LockKeys.of("", "handed-twice");
    driver.take(keys, "from", 10_000, TAKER).join();
    TakeResult first = driver.handOff(keys, "from", 0, "to", 10_000, TAKER).join();
    TakeResult replay = driver.handOff(keys, "from", 0, "to", 10_000, TAKER).join();

    assertThat(first.acquired()).isTrue();
    assertThat(replay.acquired()).isTrue();
    assertThat(replay.fencingToken()).isEqualTo(first.fencingToken());
    assertThat(redis.command("GET", "handed-twice"))
        .isEqualTo("to " + first.fencingToken() + " test");
  }

  @Test
  void take_replayedWithTheSameToken_succeedsWithTheSameFencingToken() {
    LockKeys keys = LockKeys.of("", "replayed");
    TakeResult first = driver.take(keys, "token-a", 10_000, TAKER).join();
    TakeResult replay = driver.take(keys, "token-a", 10_000, TAKER).join();

    assertThat(first.acquired()).isTrue();
    assertThat(first.clockFenced()).isTrue();
    assertThat(replay.acquired()).isTrue();
    assertThat(replay.fencingToken()).isEqualTo(first.fencingToken());
    assertThat(replay.clockFenced()).isFalse(); // a replay does not know: no local tokens
    // Wire protocol v2: the value carries the owner token, its fencing token and the holder.
    assertThat(redis.command("GET", "replayed"))
        .isEqualTo("token-a " + first.fencingToken() + " test");
  }

  @Test
  void take_byAnotherToken_isBusy_withTheHoldersTtl() {
    LockKeys keys = LockKeys.of("", "busy");
    driver.take(keys, "token-a", 10_000, TAKER).join();
    TakeResult other = driver.take(keys, "token-b", 10_000, TAKER).join();

    assertThat(other.acquired()).isFalse();
    assertThat(other.holderTtlMillis()).isBetween(1L, 10_000L);
    assertThat(other.holderAnnounces()).isTrue(); // a redmutex holder

    redis.command("SET", "foreign", "python-token", "PX", "10000"); // e.g. redis-py's Lock
    assertThat(driver.take(LockKeys.of("", "foreign"), "token-b", 10_000, TAKER).join())
        .extracting(TakeResult::acquired, TakeResult::holderAnnounces)
        .containsExactly(false, false);
  }

  @Test
  void fencingTokens_followTheServerClock_andIncreaseWithinAMicrosecond() {
    LockKeys keys = LockKeys.of("", "fenced");
    long serverMicros =
        Long.parseLong(redis.command("TIME").replaceAll("\\[(\\d+),.*", "$1")) * 1_000_000L;
    long first = driver.take(keys, "t1", 10_000, TAKER).join().fencingToken();
    driver.release(keys, "t1", 0).join();
    long second = driver.take(keys, "t2", 10_000, TAKER).join().fencingToken();

    assertThat(first).isGreaterThanOrEqualTo(serverMicros);
    assertThat(second).isGreaterThan(first);
  }

  @Test
  void release_onlyByTheOwner_andAnnouncesOnTheChannel() throws Exception {
    LockKeys keys = LockKeys.of("", "released");
    driver.take(keys, "owner", 10_000, TAKER).join();
    BlockingQueue<String> announced = new LinkedBlockingQueue<>();
    LettuceDriver listener =
        new LettuceDriver(RedisUris.parse(redis.uri(), "listener"), Duration.ofSeconds(5), null);
    listener.onWakeUp(announced::add);
    listener.subscribe(keys.channel()).join();
    // A (re)subscription is announced too: releases may have been missed before it.
    assertThat(announced.poll(10, TimeUnit.SECONDS)).isEqualTo(keys.channel());

    assertThat(driver.release(keys, "stranger", 0).join()).isFalse();
    assertThat(redis.command("EXISTS", "released")).isEqualTo("1");
    assertThat(driver.release(keys, "owner", 0).join()).isTrue();
    assertThat(redis.command("EXISTS", "released")).isEqualTo("0");
    assertThat(announced.poll(10, TimeUnit.SECONDS)).isEqualTo(keys.channel());
    assertThat(announced).isEmpty(); // the stranger's failed release announced nothing
    listener.close();
  }

  @Test
  void release_leavesNothingOfTheName_andTheRecordKeepsItsToken() {
    LockKeys keys = LockKeys.of("", "kept");
    long fence = driver.take(keys, "owner", 10_000, TAKER).join().fencingToken();
    assertThat(Long.parseLong(redis.command("GET", FenceRecords.SINGLE)))
        .isGreaterThanOrEqualTo(fence);

    assertThat(driver.release(keys, "stranger", 0).join()).isFalse();
    assertThat(redis.command("EXISTS", "kept")).isEqualTo("1");
    assertThat(driver.release(keys, "owner", 0).join()).isTrue();

    // Nothing per name: the lock key is gone, and no side key was written (nobody waited).
    assertThat(redis.command("EXISTS", "kept", "{kept}:fence", "{kept}:waiters")).isEqualTo("0");
    assertThat(Long.parseLong(redis.command("GET", FenceRecords.SINGLE)))
        .isGreaterThanOrEqualTo(fence);
    assertThat(redis.command("PTTL", FenceRecords.SINGLE)).isEqualTo("-1");
    assertThat(driver.take(keys, "next", 10_000, TAKER).join().fencingToken()).isGreaterThan(fence);
  }

  @Test
  void release_storesTheLastLocallyIssuedToken_inTheRecord() {
    LockKeys keys = LockKeys.of("", "issued-locally");
    long fence = driver.take(keys, "owner", 10_000, TAKER).join().fencingToken();
    long ahead = fence + 5_000_000_000L; // far above any clock reading of this test

    assertThat(driver.release(keys, "owner", ahead).join()).isTrue();

    assertThat(redis.command("GET", FenceRecords.SINGLE)).isEqualTo(Long.toString(ahead));
    assertThat(driver.take(keys, "next", 10_000, TAKER).join().fencingToken()).isEqualTo(ahead + 1);
    redis.command("DEL", FenceRecords.SINGLE); // the other tests' tokens follow the clock again
  }

  @Test
  void fenceRecordLost_tokensRestOnTheServerClock() {
    LockKeys keys = LockKeys.of("", "record-lost");
    long first = driver.take(keys, "t1", 10_000, TAKER).join().fencingToken();
    driver.release(keys, "t1", 0).join();
    redis.command("DEL", FenceRecords.SINGLE); // evicted, or deleted by an operator

    TakeResult next = driver.take(keys, "t2", 10_000, TAKER).join();

    assertThat(next.fencingToken()).isGreaterThan(first);
    assertThat(next.clockFenced()).isTrue();
  }

  @Test
  void rollingUpgrade_aV1FenceHashAhead_isReadByTheTake() {
    // A v1 client (which keeps the last token in a hash per name) issued a token ahead of the
    // clock and of the record: the v2 take issues a larger one, and writes no v1 hash.
    LockKeys keys = LockKeys.of("", "upgraded");
    long record = driver.take(LockKeys.of("", "other"), "o", 10_000, TAKER).join().fencingToken();
    long ahead = record + 9_000_000_000L;
    redis.command("HSET", "{upgraded}:fence", "fence", Long.toString(ahead));
    redis.command("PEXPIRE", "{upgraded}:fence", "60000");

    TakeResult taken = driver.take(keys, "v2-token", 10_000, TAKER).join();

    assertThat(taken.fencingToken()).isEqualTo(ahead + 1);
    assertThat(taken.clockFenced()).isFalse();
    assertThat(redis.command("HGET", "{upgraded}:fence", "fence")).isEqualTo(Long.toString(ahead));
    assertThat(redis.command("GET", FenceRecords.SINGLE)).isEqualTo(Long.toString(ahead + 1));
    redis.command("DEL", FenceRecords.SINGLE); // the other tests' tokens follow the clock again
  }

  @Test
  void rollingUpgrade_aV1Holder_isBusy_andAnnounces() {
    // What a v1 client writes: the bare token, and its fence hash naming it as the owner.
    redis.command("SET", "v1-held", "v1-token", "PX", "10000");
    redis.command("HSET", "{v1-held}:fence", "fence", "7", "owner", "v1-token", "holder", "old");
    redis.command("PEXPIRE", "{v1-held}:fence", "60000");

    TakeResult busy = driver.take(LockKeys.of("", "v1-held"), "v2-token", 10_000, TAKER).join();

    assertThat(busy.acquired()).isFalse();
    assertThat(busy.holderAnnounces()).isTrue(); // v1 publishes its release too
    assertThat(redis.command("GET", "v1-held")).isEqualTo("v1-token");
  }

  @Test
  void extend_onlyByTheOwner_setsTheTtl() {
    LockKeys keys = LockKeys.of("", "extended");
    driver.take(keys, "owner", 1_000, TAKER).join();

    assertThat(driver.extend(keys, "stranger", 60_000).join()).isFalse();
    assertThat(driver.extend(keys, "own", 60_000).join()).isFalse(); // a prefix of the token
    assertThat(Long.parseLong(redis.command("PTTL", "extended"))).isLessThanOrEqualTo(1_000L);
    assertThat(driver.extend(keys, "owner", 60_000).join()).isTrue();
    assertThat(Long.parseLong(redis.command("PTTL", "extended"))).isGreaterThan(50_000L);
  }

  @Test
  void scripts_surviveScriptFlush() {
    LockKeys keys = LockKeys.of("", "flushed");
    redis.command("SCRIPT", "FLUSH");
    assertThat(driver.take(keys, "owner", 10_000, TAKER).join().acquired()).isTrue();
    redis.command("SCRIPT", "FLUSH");
    assertThat(driver.extend(keys, "owner", 10_000).join()).isTrue();
    redis.command("SCRIPT", "FLUSH");
    assertThat(driver.release(keys, "owner", 0).join()).isTrue();
  }
}
