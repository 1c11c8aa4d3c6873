package io.redmutex.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.HdrHistogram.Histogram;

/**
 * {@code uncontended} and {@code parallel}: threads of one client loop on acquire + release, each
 * on its own slice of the names, so no two threads of the process ever want the same lock. One
 * operation is one acquire plus one release; its latency is the time of both.
 */
final class ThroughputScenario {
  static final int PARALLEL_THREADS = 64;
  static final int PARALLEL_NAMES = 10_000;

  /**
   * One timed run.
   *
   * @param ops operations completed inside the window
   * @param elapsedNanos the window
   * @param latency each operation's acquire + release time
   * @param errors operations that threw
   * @param firstError the first thing thrown, or null
   * @param cpuPerOp client and Redis CPU microseconds per operation over the window
   */
  record Run(
      long ops,
      long elapsedNanos,
      Histogram latency,
      long errors,
      Throwable firstError,
      CpuMeter.Sample cpuPerOp) {
    double opsPerSecond() {
      return ops * 1e9 / elapsedNanos;
    }
  }

  private final Scenario scenario;
  private final int threads;
  private final int names;

  private ThroughputScenario(Scenario scenario, int threads, int names) {
    this.scenario = scenario;
    this.threads = threads;
    this.names = names;
  }

  static ThroughputScenario uncontended() {
    return new ThroughputScenario(Scenario.UNCONTENDED, 1, 1);
  }

  static ThroughputScenario parallel() {
    return new ThroughputScenario(Scenario.PARALLEL, PARALLEL_THREADS, PARALLEL_NAMES);
  }

  Scenario scenario() {
    return scenario;
  }

  int threads() {
    return threads;
  }

  /** Opens a client of {@code library}, runs for {@code duration}, closes it. */
  Run run(Library library, RedisTarget redis, Duration duration, CpuMeter cpu)
      throws InterruptedException {
    try (Library.Client client =
        library.open(redis, "bench-" + library.id() + "-" + scenario.id())) {
      return measure(client, duration, cpu);
    }
  }

  Run measure(Library.Client client, Duration duration, CpuMeter cpu) throws InterruptedException {
    AtomicBoolean stop = new AtomicBoolean();
    CountDownLatch ready = new CountDownLatch(threads);
    CountDownLatch go = new CountDownLatch(1);
    List<Worker> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Worker worker = new Worker(client, slice(t), stop, ready, go);
      workers.add(worker);
      worker.thread.start();
    }
    ready.await();
    CpuMeter.Sample cpuBefore = cpu.sample();
    long start = System.nanoTime();
    go.countDown();
    Thread.sleep(duration.toMillis());
    stop.set(true);
    long end = System.nanoTime();
    CpuMeter.Sample cpuAfter = cpu.sample();
    Workers.joinAll(workers.stream().map(w -> w.thread).toList(), scenario.id());
    Histogram latency = Latency.histogram();
    long ops = 0;
    long errors = 0;
    Throwable firstError = null;
    for (Worker w : workers) {
      latency.add(w.latency);
      ops += w.ops;
      errors += w.errors;
      if (firstError == null) {
        firstError = w.firstError;
      }
    }
    return new Run(
        ops, end - start, latency, errors, firstError, cpuAfter.perOpMicros(cpuBefore, ops));
  }

  /** Thread {@code t}'s names: a contiguous slice of the {@code names}, covering them all. */
  private String[] slice(int t) {
    if (names == 1) {
      return new String[] {"bench:" + scenario.id()};
    }
    int from = (int) ((long) t * names / threads);
    int to = (int) ((long) (t + 1) * names / threads);
    String[] slice = new String[to - from];
    for (int i = 0; i < slice.length; i++) {
      slice[i] = "bench:" + scenario.id() + ":" + (from + i);
    }
    return slice;
  }

  private static final class Worker implements Runnable {
    private static final int MAX_ERRORS = 100;

    final Thread thread;
    final Histogram latency = Latency.histogram();
    private final Library.Client client;
    private final String[] names;
    private final AtomicBoolean stop;
    private final CountDownLatch ready;
    private final CountDownLatch go;
    long ops;
    long errors;
    Throwable firstError;

    Worker(
        Library.Client client,
        String[] names,
        AtomicBoolean stop,
        CountDownLatch ready,
        CountDownLatch go) {
      this.client = client;
      this.names = names;
      this.stop = stop;
      this.ready = ready;
      this.go = go;
      this.thread = Workers.newThread(this);
    }

    @Override
    public void run() {
      ready.countDown();
      if (!Workers.await(go)) {
        return;
      }
      int next = 0;
      while (!stop.get()) {
        String name = names[next];
        next = next + 1 == names.length ? 0 : next + 1;
        long t0 = System.nanoTime();
        try {
          client.acquire(name).release();
        } catch (RuntimeException e) {
          errors++;
          if (firstError == null) {
            firstError = e;
          }
          if (errors >= MAX_ERRORS) {
            return;
          }
          continue;
        }
        long t1 = System.nanoTime();
        if (stop.get()) {
          return; // finished after the window closed: not counted
        }
        Latency.record(latency, t1 - t0);
        ops++;
      }
    }
  }
}
