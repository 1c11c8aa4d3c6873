package io.redmutex.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * {@code contended}: {@value #THREADS} threads spread over {@value #CLIENTS} clients of one library
 * loop on the same lock, with a tiny critical section and no pause between release and the next
 * acquire.
 *
 * <p>Each acquisition is classified by who held the lock before: another thread (a hand-off, whose
 * latency is from the moment the previous holder began its release to the moment the new holder is
 * in), or the same thread (barging: it released and took the lock again before any waiter did).
 *
 * <p>The critical section checks that the library excludes: it reads a counter, spins about a
 * microsecond, and writes it back plus one (on purpose not atomically: overlapping holders lose
 * updates), and flags any entry while another holder is inside. Both checks count every entry,
 * including those after the measuring window.
 */
final class ContendedScenario {
  static final int THREADS = 16;
  static final int CLIENTS = 2;
  static final String NAME = "bench:contended";
  private static final long CRITICAL_SECTION_NANOS = 1_000;

  /**
   * One timed run.
   *
   * @param elapsedNanos the window
   * @param perThread acquisitions inside the window, by thread (thread {@code i} is in client
   *     {@code i % CLIENTS})
   * @param handOffs acquisitions whose previous holder was another thread
   * @param barges acquisitions whose previous holder was the same thread
   * @param handOffLatency release → next holder, for hand-offs
   * @param overlaps entries into the critical section while someone else was inside
   * @param lostUpdates counter increments lost to overlapping holders
   * @param errors acquires or releases that threw
   * @param firstError the first thing thrown, or null
   * @param cpuPerAcquisition client and Redis CPU microseconds per acquisition over the window
   */
  record Run(
      long elapsedNanos,
      long[] perThread,
      long handOffs,
      long barges,
      Histogram handOffLatency,
      long overlaps,
      long lostUpdates,
      long errors,
      Throwable firstError,
      CpuMeter.Sample cpuPerAcquisition) {

    long acquisitions() {
      long sum = 0;
      for (long n : perThread) {
        sum += n;
      }
      return sum;
    }

    long[] perClient() {
      long[] clients = new long[CLIENTS];
      for (int i = 0; i < perThread.length; i++) {
        clients[i % CLIENTS] += perThread[i];
      }
      return clients;
    }

    double acquisitionsPerSecond() {
      return acquisitions() * 1e9 / elapsedNanos;
    }

    double handOffsPerSecond() {
      return handOffs * 1e9 / elapsedNanos;
    }

    boolean excluded() {
      return overlaps == 0 && lostUpdates == 0;
    }
  }

  /** The state the lock protects, and what the holders record about each other. */
  private static final class Guarded {
    final AtomicLong counter = new AtomicLong(); // read, then written: not atomic on purpose
    final AtomicBoolean inside = new AtomicBoolean();
    final AtomicLong overlaps = new AtomicLong();
    volatile int lastHolder = -1;
    volatile long releaseStartedAt;
  }

  /** Opens {@value #CLIENTS} clients of {@code library}, runs for {@code duration}, closes them. */
  Run run(Library library, RedisTarget redis, Duration duration, CpuMeter cpu)
      throws InterruptedException {
    List<Library.Client> clients = new ArrayList<>();
    try {
      for (int c = 0; c < CLIENTS; c++) {
        clients.add(
            library.open(redis, "bench-" + library.id() + "-contended-" + (char) ('a' + c)));
      }
      return measure(clients, duration, cpu);
    } finally {
      for (Library.Client client : clients) {
        client.close();
      }
    }
  }

  Run measure(List<Library.Client> clients, Duration duration, CpuMeter cpu)
      throws InterruptedException {
    Guarded guarded = new Guarded();
    AtomicBoolean stop = new AtomicBoolean();
    CountDownLatch ready = new CountDownLatch(THREADS);
    CountDownLatch go = new CountDownLatch(1);
    List<Worker> workers = new ArrayList<>();
    for (int i = 0; i < THREADS; i++) {
      Worker worker = new Worker(i, clients.get(i % clients.size()), guarded, stop, ready, go);
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
    Workers.joinAll(workers.stream().map(w -> w.thread).toList(), "contended");

    long[] perThread = new long[THREADS];
    long handOffs = 0;
    long barges = 0;
    long entries = 0;
    long errors = 0;
    Throwable firstError = null;
    Histogram latency = Latency.histogram();
    for (Worker w : workers) {
      perThread[w.index] = w.acquisitions;
      handOffs += w.handOffs;
      barges += w.barges;
      entries += w.entries;
      errors += w.errors;
      latency.add(w.handOffLatency);
      if (firstError == null) {
        firstError = w.firstError;
      }
    }
    long acquisitions = 0;
    for (long n : perThread) {
      acquisitions += n;
    }
    return new Run(
        end - start,
        perThread,
        handOffs,
        barges,
        latency,
        guarded.overlaps.get(),
        entries - guarded.counter.get(),
        errors,
        firstError,
        cpuAfter.perOpMicros(cpuBefore, acquisitions));
  }

  private static final class Worker implements Runnable {
    private static final int MAX_ERRORS = 100;

    final int index;
    final Thread thread;
    final Histogram handOffLatency = Latency.histogram();
    private final Library.Client client;
    private final Guarded guarded;
    private final AtomicBoolean stop;
    private final CountDownLatch ready;
    private final CountDownLatch go;
    long acquisitions;
    long handOffs;
    long barges;
    long entries;
    long errors;
    Throwable firstError;

    Worker(
        int index,
        Library.Client client,
        Guarded guarded,
        AtomicBoolean stop,
        CountDownLatch ready,
        CountDownLatch go) {
      this.index = index;
      this.client = client;
      this.guarded = guarded;
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
      while (!stop.get() && errors < MAX_ERRORS) {
        Library.Held held;
        try {
          held = client.acquire(NAME);
        } catch (RuntimeException e) {
          failed(e);
          continue;
        }
        long in = System.nanoTime();
        criticalSection(in);
        try {
          held.release();
        } catch (RuntimeException e) {
          failed(e);
        }
      }
    }

    private void criticalSection(long in) {
      if (!guarded.inside.compareAndSet(false, true)) {
        guarded.overlaps.incrementAndGet();
      }
      int previous = guarded.lastHolder;
      long releaseStartedAt = guarded.releaseStartedAt;
      long count = guarded.counter.get();
      long until = System.nanoTime() + CRITICAL_SECTION_NANOS;
      while (System.nanoTime() - until < 0) {
        Thread.onSpinWait();
      }
      guarded.counter.set(count + 1);
      entries++;
      if (!stop.get()) {
        acquisitions++;
        if (previous == index) {
          barges++;
        } else if (previous >= 0) {
          handOffs++;
          Latency.record(handOffLatency, in - releaseStartedAt);
        }
      }
      guarded.lastHolder = index;
      guarded.inside.set(false);
      guarded.releaseStartedAt = System.nanoTime();
    }

    private void failed(RuntimeException e) {
      errors++;
      if (firstError == null) {
        firstError = e;
      }
    }
  }
}
