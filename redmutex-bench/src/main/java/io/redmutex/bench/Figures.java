package io.redmutex.bench;

import java.util.Arrays;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * What the report shows per library and scenario, summarized over rounds: throughputs are the
 * median of the rounds, latencies come from all rounds' histograms merged.
 */
final class Figures {
  private Figures() {}

  /**
   * {@code uncontended} or {@code parallel}.
   *
   * @param threads worker threads
   * @param rounds how many rounds were measured
   * @param opsPerSecond median over rounds of acquire + release per second
   * @param minOpsPerSecond the slowest round
   * @param maxOpsPerSecond the fastest round
   * @param p50Micros median acquire + release time
   * @param p99Micros 99th percentile of it
   * @param errors operations that threw, over all rounds
   * @param clientCpuMicros median over rounds of this JVM's CPU time per operation
   * @param redisCpuMicros median over rounds of the Redis server's CPU time per operation
   */
  record Throughput(
      int threads,
      int rounds,
      double opsPerSecond,
      double minOpsPerSecond,
      double maxOpsPerSecond,
      double p50Micros,
      double p99Micros,
      long errors,
      double clientCpuMicros,
      double redisCpuMicros) {

    static Throughput of(int threads, List<ThroughputScenario.Run> runs) {
      Histogram latency = Latency.histogram();
      long errors = 0;
      double[] rates = new double[runs.size()];
      double[] clientCpu = new double[runs.size()];
      double[] redisCpu = new double[runs.size()];
      for (int i = 0; i < runs.size(); i++) {
        ThroughputScenario.Run run = runs.get(i);
        latency.add(run.latency());
        errors += run.errors();
        rates[i] = run.opsPerSecond();
        clientCpu[i] = run.cpuPerOp().client();
        redisCpu[i] = run.cpuPerOp().redis();
      }
      return new Throughput(
          threads,
          runs.size(),
          median(rates),
          min(rates),
          max(rates),
          Latency.micros(latency, 50),
          Latency.micros(latency, 99),
          errors,
          median(clientCpu),
          median(redisCpu));
    }

    /** How far apart the rounds were, as a fraction of the median. */
    double spread() {
      return opsPerSecond > 0 ? (maxOpsPerSecond - minOpsPerSecond) / opsPerSecond : Double.NaN;
    }
  }

  /**
   * {@code contended}.
   *
   * @param threads worker threads, over all clients
   * @param rounds how many rounds were measured
   * @param acquisitionsPerSecond median over rounds
   * @param handOffsPerSecond median over rounds of acquisitions that went to another thread
   * @param bargeFraction over all rounds: acquisitions by the thread that had just released
   * @param handOffP50Micros release → next holder, median
   * @param handOffP99Micros release → next holder, 99th percentile
   * @param minThreadShare the least a thread got, over all rounds, as a fraction of a fair share
   * @param maxThreadShare the most a thread got, likewise
   * @param clientShares each client's fraction of all acquisitions
   * @param starvedThreads threads that got nothing in at least one round
   * @param overlaps entries into the critical section while someone else was inside
   * @param lostUpdates counter increments lost to overlapping holders
   * @param errors acquires and releases that threw
   * @param clientCpuMicros median over rounds of this JVM's CPU time per acquisition
   * @param redisCpuMicros median over rounds of the Redis server's CPU time per acquisition
   */
  record Contended(
      int threads,
      int rounds,
      double acquisitionsPerSecond,
      double handOffsPerSecond,
      double bargeFraction,
      double handOffP50Micros,
      double handOffP99Micros,
      double minThreadShare,
      double maxThreadShare,
      double[] clientShares,
      int starvedThreads,
      long overlaps,
      long lostUpdates,
      long errors,
      double clientCpuMicros,
      double redisCpuMicros) {

    static Contended of(List<ContendedScenario.Run> runs) {
      int threads = ContendedScenario.THREADS;
      Histogram latency = Latency.histogram();
      double[] acquisitionRates = new double[runs.size()];
      double[] handOffRates = new double[runs.size()];
      double[] clientCpu = new double[runs.size()];
      double[] redisCpu = new double[runs.size()];
      long[] perThread = new long[threads];
      long[] perClient = new long[ContendedScenario.CLIENTS];
      boolean[] starved = new boolean[threads];
      long acquisitions = 0;
      long barges = 0;
      long overlaps = 0;
      long lost = 0;
      long errors = 0;
      for (int r = 0; r < runs.size(); r++) {
        ContendedScenario.Run run = runs.get(r);
        latency.add(run.handOffLatency());
        acquisitionRates[r] = run.acquisitionsPerSecond();
        handOffRates[r] = run.handOffsPerSecond();
        clientCpu[r] = run.cpuPerAcquisition().client();
        redisCpu[r] = run.cpuPerAcquisition().redis();
        for (int t = 0; t < threads; t++) {
          perThread[t] += run.perThread()[t];
          starved[t] |= run.perThread()[t] == 0;
        }
        long[] clients = run.perClient();
        for (int c = 0; c < clients.length; c++) {
          perClient[c] += clients[c];
        }
        acquisitions += run.acquisitions();
        barges += run.barges();
        overlaps += run.overlaps();
        lost += run.lostUpdates();
        errors += run.errors();
      }
      double fair = acquisitions / (double) threads;
      double[] clientShares = new double[perClient.length];
      for (int c = 0; c < perClient.length; c++) {
        clientShares[c] = acquisitions == 0 ? Double.NaN : perClient[c] / (double) acquisitions;
      }
      int starvedThreads = 0;
      for (boolean s : starved) {
        starvedThreads += s ? 1 : 0;
      }
      return new Contended(
          threads,
          runs.size(),
          median(acquisitionRates),
          median(handOffRates),
          acquisitions == 0 ? Double.NaN : barges / (double) acquisitions,
          Latency.micros(latency, 50),
          Latency.micros(latency, 99),
          fair == 0 ? Double.NaN : Arrays.stream(perThread).min().orElse(0) / fair,
          fair == 0 ? Double.NaN : Arrays.stream(perThread).max().orElse(0) / fair,
          clientShares,
          starvedThreads,
          overlaps,
          lost,
          errors,
          median(clientCpu),
          median(redisCpu));
    }

    boolean excluded() {
      return overlaps == 0 && lostUpdates == 0;
    }
  }

  /** {@code a / b}, or NaN when either is not a positive number. */
  static double ratio(double a, double b) {
    return a > 0 && b > 0 && Double.isFinite(a) && Double.isFinite(b) ? a / b : Double.NaN;
  }

  /** The median of the finite values, or NaN if there are none. */
  static double median(double[] values) {
    double[] sorted = Arrays.stream(values).filter(Double::isFinite).sorted().toArray();
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int mid = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }

  private static double min(double[] values) {
    return Arrays.stream(values).min().orElse(Double.NaN);
  }

  private static double max(double[] values) {
    return Arrays.stream(values).max().orElse(Double.NaN);
  }
}
