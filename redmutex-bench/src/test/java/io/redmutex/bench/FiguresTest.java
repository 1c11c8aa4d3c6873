package io.redmutex.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class FiguresTest {

  @Test
  void median_ofOddAndEvenCounts_isTheMiddle() {
    assertThat(Figures.median(new double[] {3, 1, 2})).isEqualTo(2);
    assertThat(Figures.median(new double[] {4, 1, 3, 2})).isEqualTo(2.5);
    assertThat(Figures.median(new double[] {})).isNaN();
    assertThat(Figures.median(new double[] {Double.NaN, 5})).isEqualTo(5);
  }

  @Test
  void ratio_ofMissingOrZeroFigures_isNaN() {
    assertThat(Figures.ratio(300, 100)).isEqualTo(3);
    assertThat(Figures.ratio(300, 0)).isNaN();
    assertThat(Figures.ratio(0, 100)).isNaN();
    assertThat(Figures.ratio(Double.NaN, 100)).isNaN();
  }

  @Test
  void throughput_takesTheMedianRoundAndMergesLatencies() {
    Figures.Throughput t =
        Figures.Throughput.of(
            1,
            List.of(
                throughputRun(1_000, 50_000), // 1,000 ops/s
                throughputRun(3_000, 50_000), // 3,000 ops/s
                throughputRun(2_000, 150_000))); // 2,000 ops/s

    assertThat(t.rounds()).isEqualTo(3);
    assertThat(t.opsPerSecond()).isEqualTo(2_000, within(1e-9));
    assertThat(t.minOpsPerSecond()).isEqualTo(1_000, within(1e-9));
    assertThat(t.maxOpsPerSecond()).isEqualTo(3_000, within(1e-9));
    assertThat(t.spread()).isEqualTo(1.0, within(1e-9));
    // 4,000 samples at 50 µs, 2,000 at 150 µs: the median is 50 µs, the 99th percentile 150 µs.
    assertThat(t.p50Micros()).isEqualTo(50, within(0.1));
    assertThat(t.p99Micros()).isEqualTo(150, within(0.2));
    assertThat(t.clientCpuMicros()).isEqualTo(40);
    assertThat(t.redisCpuMicros()).isEqualTo(20); // the median of 10, 30 and 20
  }

  @Test
  void contended_reportsFairnessBargingAndViolations() {
    long[] perThread = new long[ContendedScenario.THREADS];
    for (int i = 0; i < perThread.length; i++) {
      perThread[i] = i % 2 == 0 ? 150 : 50; // client a (even threads) gets three quarters
    }
    perThread[3] = 0; // a starved thread in client b
    long total = 0;
    for (long n : perThread) {
      total += n;
    }
    Histogram latency = Latency.histogram();
    latency.recordValue(200_000);
    ContendedScenario.Run run =
        new ContendedScenario.Run(
            1_000_000_000L,
            perThread,
            total / 2,
            total / 4,
            latency,
            1,
            2,
            0,
            null,
            new CpuMeter.Sample(Double.NaN, 7));

    Figures.Contended c = Figures.Contended.of(List.of(run));

    assertThat(c.acquisitionsPerSecond()).isEqualTo(total, within(1e-6));
    assertThat(c.handOffsPerSecond()).isEqualTo(total / 2, within(1e-6));
    assertThat(c.bargeFraction()).isEqualTo((total / 4) / (double) total, within(1e-9));
    assertThat(c.starvedThreads()).isEqualTo(1);
    assertThat(c.minThreadShare()).isZero();
    assertThat(c.maxThreadShare()).isEqualTo(150 / (total / 16.0), within(1e-9));
    assertThat(c.clientShares()[0]).isEqualTo(1200.0 / total, within(1e-9));
    assertThat(c.handOffP50Micros()).isEqualTo(200, within(0.2));
    assertThat(c.excluded()).isFalse();
    assertThat(c.overlaps()).isEqualTo(1);
    assertThat(c.lostUpdates()).isEqualTo(2);
    assertThat(c.clientCpuMicros()).isNaN();
    assertThat(c.redisCpuMicros()).isEqualTo(7);
  }

  private static ThroughputScenario.Run throughputRun(long ops, long latencyNanos) {
    Histogram latency = Latency.histogram();
    latency.recordValueWithCount(latencyNanos, ops * 2);
    return new ThroughputScenario.Run(
        ops, 1_000_000_000L, latency, 0, null, new CpuMeter.Sample(40, ops / 100.0));
  }
}
