package io.redmutex.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.redmutex.testkit.PrintRedisLogsOnFailure;
import io.redmutex.testkit.RedisServer;
import io.redmutex.testkit.RedlockMasters;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Redlock driver's validity rule on real masters, with a clock the test moves: a majority that
 * answers after lease time − drift is no lease, and what it took is given back.
 */
@ExtendWith(PrintRedisLogsOnFailure.class)
class RedlockDriverTest {
  private static final long LEASE_MS = 10_000;
  private static final Taker TAKER = new Taker("redlock-driver-test", "client-1");

  private RedlockMasters masters;
  private final AtomicLong now = new AtomicLong();
  private RedlockDriver driver;

  @BeforeEach
  void start() {
    masters = RedlockMasters.start(3, null);
    List<ScriptedDriver> nodes = new ArrayList<>();
    for (RedisServer master : masters.masters()) {
      nodes.add(new LettuceDriver(master.redisUri(), Duration.ofSeconds(5), null));
    }
    driver = new RedlockDriver(nodes, now::get);
  }

  @AfterEach
  void stop() {
    driver.close();
    masters.close();
  }

  /** A clock that reads 0 once (the send), then {@code stepMillis} ever after. */
  private void afterTheSendReads(long stepMillis) {
    driver.close();
    List<ScriptedDriver> nodes = new ArrayList<>();
    for (RedisServer master : masters.masters()) {
      nodes.add(new LettuceDriver(master.redisUri(), Duration.ofSeconds(5), null));
    }
    driver =
        new RedlockDriver(nodes, () -> now.getAndSet(TimeUnit.MILLISECONDS.toNanos(stepMillis)));
  }

  @Test
  void take_withinValidity_isALease_withTheFenceOnAMajority() {
    LockKeys keys = LockKeys.of("", "valid");
    // Between the send and the checks, the clock moves just less than lease − drift.
    afterTheSendReads(LEASE_MS - RedlockDriver.driftMillis(LEASE_MS) - 1);

    TakeResult taken = driver.take(keys, "token-1", LEASE_MS, TAKER).join();

    assertThat(taken.acquired()).isTrue();
    long stored =
        masters.masters().stream()
            .map(m -> m.command("GET", FenceRecords.SINGLE))
            .filter(f -> f != null && !f.isEmpty() && !f.equals("null"))
            .filter(f -> Long.parseLong(f) >= taken.fencingToken())
            .count();
    assertThat(stored).isGreaterThanOrEqualTo(2);
  }

  @Test
  void take_pastValidity_isNoLease_andIsGivenBackEverywhere() {
    LockKeys keys = LockKeys.of("", "expired");
    // Between the send and the check, the clock passes lease − drift.
    afterTheSendReads(LEASE_MS - RedlockDriver.driftMillis(LEASE_MS));

    assertThatThrownBy(() -> driver.take(keys, "token-2", LEASE_MS, TAKER).join())
        .isInstanceOf(CompletionException.class)
        .cause()
        .isInstanceOf(RedlockException.class)
        .hasMessageContaining("Redlock validity expired")
        .hasMessageContaining("'expired'");
    for (RedisServer master : masters.masters()) {
      await().until(() -> master.command("EXISTS", "expired").equals("0"));
    }
  }

  @Test
  void extend_onAMajority_retakesTheMasterThatLostTheKey() {
    LockKeys keys = LockKeys.of("", "retaken");
    assertThat(driver.take(keys, "token-3", LEASE_MS, TAKER).join().acquired()).isTrue();
    masters.get(0).command("DEL", "retaken");

    assertThat(driver.extend(keys, "token-3", LEASE_MS).join()).isTrue();

    await()
        .until(
            () -> String.valueOf(masters.get(0).command("GET", "retaken")).startsWith("token-3 "));
  }

  @Test
  void extend_afterAMajorityLostTheKey_isFalse_andTakesNothingAgain() {
    LockKeys keys = LockKeys.of("", "lost");
    assertThat(driver.take(keys, "token-4", LEASE_MS, TAKER).join().acquired()).isTrue();
    masters.get(0).command("DEL", "lost");
    masters.get(1).command("SET", "lost", "someone-else", "PX", "60000");

    assertThat(driver.extend(keys, "token-4", LEASE_MS).join()).isFalse();

    assertThat(driver.release(keys, "token-4", 0).join()).isFalse();
    assertThat(masters.get(0).command("EXISTS", "lost")).isEqualTo("0");
    assertThat(masters.get(1).command("GET", "lost")).isEqualTo("someone-else");
  }

  @Test
  void aLeaseWhoseValidityEndedUnreleased_isForgottenAtTheNextTake() {
    LockKeys first = LockKeys.of("", "expires-unreleased");
    assertThat(driver.take(first, "token-5", LEASE_MS, TAKER).join().acquired()).isTrue();
    // Its renewals failed until its validity ended here: the lease is lost, and nobody releases it.
    now.addAndGet(TimeUnit.MILLISECONDS.toNanos(LEASE_MS));

    LockKeys second = LockKeys.of("", "taken-later");
    assertThat(driver.take(second, "token-6", LEASE_MS, TAKER).join().acquired()).isTrue();

    assertThat(driver.heldLeases()).isEqualTo(1);
    assertThat(driver.release(second, "token-6", 0).join()).isTrue();
    assertThat(driver.heldLeases()).isZero();
  }
}
