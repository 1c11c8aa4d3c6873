package io.redmutex.spring;

import static io.micrometer.observation.tck.TestObservationRegistryAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.observation.Observation;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.redmutex.Lease;
import io.redmutex.LockLostException;
import io.redmutex.LockTimeoutException;
import io.redmutex.RedMutex;
import io.redmutex.testkit.PrintRedisLogsOnFailure;
import io.redmutex.testkit.RedisServer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The acquire and hold observations (issue 22) of a real client on a real Redis, read from
 * Micrometer's {@link TestObservationRegistry}.
 */
@ExtendWith(PrintRedisLogsOnFailure.class)
class MicrometerLockObservationsTest {
  private static final String ACQUIRE = MicrometerLockObservations.ACQUIRE;
  private static final String HOLD = MicrometerLockObservations.HOLD;
  private static RedisServer redis;

  private final TestObservationRegistry registry = TestObservationRegistry.create();
  private RedMutex mutex;
  private RedMutex other;

  @BeforeAll
  static void startRedis() {
    redis = RedisServer.start();
  }

  @AfterAll
  static void stopRedis() {
    redis.close();
  }

  @BeforeEach
  void connect() {
    mutex =
        RedMutex.builder()
            .uri(redis.uri())
            .leaseTime(Duration.ofMillis(300))
            .listener(new MicrometerLockObservations(registry))
            .build();
    other = RedMutex.connect(redis.uri());
  }

  @AfterEach
  void close() {
    mutex.close();
    other.close();
  }

  @Test
  void acquireAndRelease_areTwoObservations_underTheCallersObservation() {
    Observation request = Observation.start("request", registry);
    Lease lease;
    try (Observation.Scope scope = request.openScope()) {
      lease = mutex.acquire("obs:a", Duration.ofSeconds(1));
    }
    String token = Long.toString(lease.fencingToken());
    assertThat(registry)
        .hasObservationWithNameEqualTo(ACQUIRE)
        .that()
        .hasBeenStarted()
        .hasBeenStopped()
        .hasParentObservationEqualTo(request)
        .hasLowCardinalityKeyValue("redmutex.outcome", "acquired")
        .hasHighCardinalityKeyValue("redmutex.lock", "obs:a")
        .hasHighCardinalityKeyValue("redmutex.fencing.token", token)
        .doesNotHaveLowCardinalityKeyValueWithKey("redmutex.lock")
        .doesNotHaveLowCardinalityKeyValueWithKey("redmutex.fencing.token")
        .hasHighCardinalityKeyValueWithKey("redmutex.waited.ms")
        .doesNotHaveError();
    assertThat(registry)
        .hasObservationWithNameEqualTo(HOLD)
        .that()
        .hasBeenStarted()
        .isNotStopped()
        .hasParentObservationEqualTo(request)
        .hasHighCardinalityKeyValue("redmutex.lock", "obs:a")
        .hasHighCardinalityKeyValue("redmutex.fencing.token", token);

    lease.release();
    // The release is told on the client's callback thread, a moment later.
    await()
        .untilAsserted(
            () ->
                assertThat(registry)
                    .hasObservationWithNameEqualTo(HOLD)
                    .that()
                    .hasBeenStopped()
                    .hasLowCardinalityKeyValue("redmutex.outcome", "released")
                    .doesNotHaveError());
    request.stop();
  }

  @Test
  void acquire_withoutACurrentObservation_hasNoParent() {
    mutex.acquire("obs:b", Duration.ZERO).release();
    assertThat(registry)
        .hasObservationWithNameEqualTo(ACQUIRE)
        .that()
        .doesNotHaveParentObservation();
  }

  @Test
  void aTimeout_isTheAcquiresOutcome_andError() {
    try (Lease held = other.acquire("obs:c", Duration.ZERO)) {
      assertThatThrownBy(() -> mutex.acquire("obs:c", Duration.ofMillis(50)))
          .isInstanceOf(LockTimeoutException.class);
    }
    assertThat(registry)
        .hasObservationWithNameEqualTo(ACQUIRE)
        .that()
        .hasBeenStopped()
        .hasLowCardinalityKeyValue("redmutex.outcome", "timeout")
        .assertThatError()
        .isInstanceOf(LockTimeoutException.class);
    assertThat(registry).hasNumberOfObservationsWithNameEqualTo(HOLD, 0);
  }

  @Test
  void tryAcquire_onAHeldLock_isBusy_withoutError() {
    try (Lease held = other.acquire("obs:d", Duration.ZERO)) {
      assertThat(mutex.tryAcquire("obs:d")).isEmpty();
    }
    assertThat(registry)
        .hasObservationWithNameEqualTo(ACQUIRE)
        .that()
        .hasLowCardinalityKeyValue("redmutex.outcome", "busy")
        .doesNotHaveError();
  }

  @Test
  void aLostLease_endsItsHold_asLost() {
    Lease lease = mutex.acquire("obs:e", Duration.ZERO);
    other.forceRelease("obs:e"); // an operator breaks it; the next renewal finds it gone
    await()
        .untilAsserted(
            () ->
                assertThat(registry)
                    .hasObservationWithNameEqualTo(HOLD)
                    .that()
                    .hasBeenStopped()
                    .hasLowCardinalityKeyValue("redmutex.outcome", "lost")
                    .assertThatError()
                    .isInstanceOf(LockLostException.class));
    assertThatThrownBy(lease::release).isInstanceOf(LockLostException.class);
  }

  @Test
  void acquireAsync_nestsUnderTheCallersObservation_evenWhenReleasedAtOnce() throws Exception {
    Observation request = Observation.start("request", registry);
    try (Observation.Scope scope = request.openScope()) {
      // Released by the future's own dependent, which may run before the hold is started.
      mutex
          .acquireAsync("obs:f", Duration.ofSeconds(1))
          .thenAccept(Lease::release)
          .get(5, TimeUnit.SECONDS);
    }
    await()
        .untilAsserted(
            () ->
                assertThat(registry)
                    .hasObservationWithNameEqualTo(HOLD)
                    .that()
                    .hasBeenStopped()
                    .hasParentObservationEqualTo(request)
                    .hasLowCardinalityKeyValue("redmutex.outcome", "released"));
    assertThat(registry)
        .hasObservationWithNameEqualTo(ACQUIRE)
        .that()
        .hasParentObservationEqualTo(request)
        .hasLowCardinalityKeyValue("redmutex.outcome", "acquired");
    request.stop();
  }

  @Test
  void aNoopRegistry_observesNothing() {
    try (RedMutex quiet =
        RedMutex.builder()
            .uri(redis.uri())
            .listener(
                new MicrometerLockObservations(io.micrometer.observation.ObservationRegistry.NOOP))
            .build()) {
      Lease lease = quiet.acquire("obs:g", Duration.ZERO);
      assertThat(lease.isHeld()).isTrue();
      lease.release();
    }
    assertThat(registry).doesNotHaveAnyObservation();
  }
}
