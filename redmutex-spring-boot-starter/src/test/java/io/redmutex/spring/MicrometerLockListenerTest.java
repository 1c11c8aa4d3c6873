package io.redmutex.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.redmutex.InsufficientReplicasException;
import io.redmutex.LockInterruptedException;
import io.redmutex.LockTimeoutException;
import io.redmutex.RedisUnavailableException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How each lock event maps to meters, event by event (the real run is in {@link MetricsTest}). */
class MicrometerLockListenerTest {
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final MicrometerLockListener listener = new MicrometerLockListener(meters, null);

  @Test
  void failedAcquires_areTimedByOutcome() {
    listener.acquireFailed("a", Duration.ofMillis(5), new LockTimeoutException("t"));
    listener.acquireFailed(
        "a", Duration.ofMillis(5), new LockInterruptedException("i", new InterruptedException()));
    listener.acquireFailed("a", Duration.ofMillis(5), new RedisUnavailableException("r", null));
    listener.acquireFailed("a", Duration.ofMillis(5), new InsufficientReplicasException("w", 0, 1));
    assertThat(meters.get("redmutex.acquire").tag("outcome", "timeout").timer().count())
        .isEqualTo(1);
    assertThat(meters.get("redmutex.acquire").tag("outcome", "interrupted").timer().count())
        .isEqualTo(1);
    assertThat(meters.get("redmutex.acquire").tag("outcome", "error").timer().count()).isEqualTo(2);
  }

  @Test
  void aLease_isCountedAsHeld_fromAcquiredToReleasedOrLost() {
    listener.acquired("a", 1, Duration.ZERO);
    listener.acquired("b", 2, Duration.ZERO);
    assertThat(meters.get("redmutex.held").longTaskTimer().activeTasks()).isEqualTo(2);
    listener.released("a", 1, Duration.ofMillis(3));
    listener.lost("b", 2);
    listener.released("b", 2, Duration.ofMillis(3)); // a lost lease released: counted once
    assertThat(meters.get("redmutex.held").longTaskTimer().activeTasks()).isZero();
    assertThat(meters.get("redmutex.lost").counter().count()).isEqualTo(1);
  }

  @Test
  void aReleaseReportedBeforeItsAcquire_leavesNothingHeld() {
    listener.released("a", 1, Duration.ofMillis(1));
    listener.acquired("a", 1, Duration.ZERO);
    assertThat(meters.find("redmutex.held").longTaskTimers())
        .allSatisfy(t -> assertThat(t.activeTasks()).isZero());
    assertThat(meters.get("redmutex.acquire").tag("outcome", "acquired").timer().count())
        .isEqualTo(1);
  }

  @Test
  void renewalsAndHandOffs_areCounted() {
    listener.renewed("a", 1);
    listener.renewed("a", 1);
    listener.handedOff("a", 1, 2);
    assertThat(meters.get("redmutex.renewals").counter().count()).isEqualTo(2);
    assertThat(meters.get("redmutex.handoffs").counter().count()).isEqualTo(1);
  }

  @Test
  void configuredNames_areTagged_andEveryOtherNameIsOther() {
    MicrometerLockListener tagged =
        new MicrometerLockListener(meters, MicrometerLockListener.forNames(List.of("jobs:report")));
    tagged.renewed("jobs:report", 1);
    tagged.renewed("orders:42", 1);
    tagged.renewed("orders:43", 1);
    assertThat(meters.get("redmutex.renewals").tag("name", "jobs:report").counter().count())
        .isEqualTo(1);
    assertThat(meters.get("redmutex.renewals").tag("name", "other").counter().count()).isEqualTo(2);
  }
}
