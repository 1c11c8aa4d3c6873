package io.redmutex.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Deadlines, durations and retry delays, on a fake clock: no sleeps, no real time. */
class TimingLogicTest {
  private final FakeClock clock = new FakeClock();

  @Test
  void deadline_countsDownOnTheMonotonicClock_andNeverGoesNegative() {
    Deadline deadline = Deadline.after(clock, Duration.ofMillis(500));
    assertThat(deadline.remainingNanos()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(500));
    assertThat(deadline.hasExpired()).isFalse();

    clock.advance(Duration.ofMillis(200));
    assertThat(deadline.remainingNanos()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(300));
    assertThat(deadline.elapsed()).isEqualTo(Duration.ofMillis(200));

    clock.advance(Duration.ofSeconds(10));
    assertThat(deadline.remainingNanos()).isZero();
    assertThat(deadline.hasExpired()).isTrue();
  }

  @Test
  void deadline_zeroHasExpiredAtOnce_andNeverNeverExpires() {
    assertThat(Deadline.after(clock, Duration.ZERO).hasExpired()).isTrue();
    Deadline never = Deadline.never(clock);
    clock.advance(Duration.ofDays(10_000));
    assertThat(never.hasExpired()).isFalse();
    assertThat(never.remainingNanos()).isEqualTo(Long.MAX_VALUE);
    assertThat(never.isFinite()).isFalse();
  }

  @Test
  void deadline_hugeBudget_saturatesInsteadOfOverflowing() {
    Deadline huge = Deadline.after(clock, Duration.ofSeconds(Long.MAX_VALUE));
    assertThat(huge.remainingNanos()).isPositive();
  }

  @Test
  void fallbackDelay_forAnAnnouncingHolder_isItsRemainingTtl_cappedByTheDeadline() {
    long second = TimeUnit.SECONDS.toNanos(1);
    assertThat(LockTakes.fallbackDelayNanos(TakeResult.busy(250, true), 10 * second))
        .isEqualTo(TimeUnit.MILLISECONDS.toNanos(251));
    assertThat(LockTakes.fallbackDelayNanos(TakeResult.busy(30_000, true), 60 * second))
        .isEqualTo(TimeUnit.MILLISECONDS.toNanos(30_001));
    assertThat(LockTakes.fallbackDelayNanos(TakeResult.busy(30_000, true), second))
        .isEqualTo(second);
  }

  @Test
  void fallbackDelay_forASilentHolder_pollsAtLeastEverySecond() {
    long second = TimeUnit.SECONDS.toNanos(1);
    assertThat(LockTakes.fallbackDelayNanos(TakeResult.busy(30_000, false), 10 * second))
        .isEqualTo(Acquisition.MAX_POLL_NANOS);
    assertThat(LockTakes.fallbackDelayNanos(TakeResult.busy(250, false), 10 * second))
        .isEqualTo(TimeUnit.MILLISECONDS.toNanos(251));
    assertThat(LockTakes.fallbackDelayNanos(TakeResult.busy(-1, false), 10 * second))
        .isEqualTo(Acquisition.MAX_POLL_NANOS); // a key without TTL
    assertThat(LockTakes.fallbackDelayNanos(TakeResult.busy(-2, false), second))
        .isZero(); // the key vanished: try again now
  }

  @Test
  void durations_check_namesTheOptionAndTheRange() {
    assertThatThrownBy(
            () ->
                Durations.check(
                    "leaseTime",
                    Duration.ofMillis(50),
                    Duration.ofMillis(100),
                    Duration.ofDays(30)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("leaseTime must be between 100ms and 30d, was 50ms");
    assertThatThrownBy(() -> Durations.check("waitTimeout", null, Duration.ZERO, Duration.ZERO))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("waitTimeout must not be null");
    assertThat(Durations.check("x", Duration.ofSeconds(1), Duration.ZERO, Duration.ofSeconds(1)))
        .isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void durations_format_isShortAndNeverOverflows() {
    assertThat(Durations.format(Duration.ofNanos(1500))).isEqualTo("1us");
    assertThat(Durations.format(Duration.ofMillis(250))).isEqualTo("250ms");
    assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1.500s");
    assertThat(Durations.format(Duration.ofSeconds(30))).isEqualTo("30s");
    assertThat(Durations.format(Duration.ofMinutes(5))).isEqualTo("5m");
    assertThat(Durations.format(Duration.ofHours(2))).isEqualTo("2h");
    assertThat(Durations.format(Duration.ofDays(3))).isEqualTo("3d");
    assertThat(Durations.format(Duration.ofMillis(-1))).isEqualTo("-1ms");
    assertThat(Durations.format(Duration.ofSeconds(Long.MAX_VALUE))).endsWith("s");
    assertThat(Durations.saturatedNanos(Duration.ofSeconds(Long.MAX_VALUE)))
        .isEqualTo(Long.MAX_VALUE);
  }
}
