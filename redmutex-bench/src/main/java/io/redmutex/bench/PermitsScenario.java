package io.redmutex.bench;

import io.redmutex.DistributedReadWriteLock;
import io.redmutex.DistributedSemaphore;
import io.redmutex.Lease;
import io.redmutex.RedMutex;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.redisson.Redisson;
import org.redisson.api.RPermitExpirableSemaphore;
import org.redisson.api.RReadWriteLock;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

/**
 * {@code semaphore} and {@code read-write}: {@value #THREADS} threads over {@value #CLIENTS}
 * clients of one library loop on one semaphore of {@value #PERMITS} permits (redmutex {@code
 * semaphore(name, 4)} vs Redisson {@code RPermitExpirableSemaphore}, whose permits expire after a
 * lease of 30 s: redmutex's are renewed leases of 30 s), or on one read-write lock with 90 % reads
 * (redmutex {@code readWriteLock} leases vs Redisson {@code RReadWriteLock}, watchdog-renewed). The
 * critical section is ~1 µs; it counts holders inside, so that a permit too many or a reader beside
 * a writer is seen. One operation is one acquire plus one release; latency is both.
 */
final class PermitsScenario {
  static final int THREADS = 16;
  static final int CLIENTS = 2;
  static final int PERMITS = 4;
  static final int READ_PERCENT = 90;
  static final List<String> KINDS = List.of("semaphore", "read-write");
  private static final long CRITICAL_SECTION_NANOS = 1_000;

  /** Medians over rounds of one library in one scenario. */
  record Figures(
      String kind,
      String library,
      double opsPerSecond,
      double p50Micros,
      double p99Micros,
      double clientCpuMicros,
      double redisCpuMicros,
      long violations,
      long errors,
      String firstError) {}

  /** One acquire + release of a library's semaphore or read-write lock; thread-owned release. */
  private interface Op {
    /** Takes a permit (or a read or write hold) and returns how to give it back. */
    Runnable acquire(boolean write);
  }

  private interface Client extends AutoCloseable {
    Op op(String kind);

    @Override
    void close();
  }

  private static Client open(String library, RedisTarget redis, String clientName) {
    if (library.equals("redmutex")) {
      RedMutex mutex = RedMutex.builder().uri(redis.uri()).clientName(clientName).build();
      DistributedSemaphore semaphore = mutex.semaphore("bench:semaphore", PERMITS);
      DistributedReadWriteLock rw = mutex.readWriteLock("bench:read-write");
      Duration wait = Duration.ofSeconds(60);
      return new Client() {
        @Override
        public Op op(String kind) {
          return kind.equals("semaphore")
              ? write -> semaphore.acquire(wait)::release
              : write -> {
                Lease lease = (write ? rw.write() : rw.read()).acquire(wait);
                return lease::release;
              };
        }

        @Override
        public void close() {
          mutex.close();
        }
      };
    }
    Config config = new Config();
    config
        .useSingleServer()
        .setAddress("redis://" + redis.address())
        .setPassword(redis.password())
        .setClientName(clientName);
    RedissonClient redisson = Redisson.create(config);
    RPermitExpirableSemaphore semaphore = redisson.getPermitExpirableSemaphore("bench:semaphore");
    semaphore.trySetPermits(PERMITS);
    RReadWriteLock rw = redisson.getReadWriteLock("bench:read-write");
    return new Client() {
      @Override
      public Op op(String kind) {
        return kind.equals("semaphore")
            ? write -> {
              try {
                String id = semaphore.acquire(30, TimeUnit.SECONDS);
                return () -> semaphore.release(id);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
              }
            }
            : write -> {
              var lock = write ? rw.writeLock() : rw.readLock();
              lock.lock();
              return lock::unlock;
            };
      }

      @Override
      public void close() {
        redisson.shutdown(0, 5, TimeUnit.SECONDS);
      }
    };
  }

  private record Run(
      long ops,
      long elapsedNanos,
      Histogram latency,
      long violations,
      long errors,
      Throwable first,
      CpuMeter.Sample cpu) {}

  private static Run measure(
      String library, String kind, RedisTarget redis, Duration duration, CpuMeter cpu)
      throws InterruptedException {
    List<Client> clients = new ArrayList<>();
    try {
      for (int c = 0; c < CLIENTS; c++) {
        clients.add(open(library, redis, "bench-" + library + "-" + kind + "-" + (char) ('a' + c)));
      }
      AtomicBoolean stop = new AtomicBoolean();
      AtomicInteger readers = new AtomicInteger();
      AtomicInteger writers = new AtomicInteger();
      AtomicLong violations = new AtomicLong();
      AtomicLong ops = new AtomicLong();
      AtomicLong errors = new AtomicLong();
      List<Throwable> first = new ArrayList<>();
      Histogram latency = Latency.histogram();
      CountDownLatch ready = new CountDownLatch(THREADS);
      CountDownLatch go = new CountDownLatch(1);
      List<Thread> threads = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        Op op = clients.get(t % CLIENTS).op(kind);
        Thread thread =
            Workers.newThread(
                () -> {
                  Histogram mine = Latency.histogram();
                  ready.countDown();
                  if (!Workers.await(go)) {
                    return;
                  }
                  while (!stop.get() && errors.get() < 100) {
                    boolean write =
                        kind.equals("read-write")
                            && ThreadLocalRandom.current().nextInt(100) >= READ_PERCENT;
                    long t0 = System.nanoTime();
                    try {
                      Runnable release = op.acquire(write);
                      AtomicInteger side = write ? writers : readers;
                      int inside = side.incrementAndGet();
                      boolean bad =
                          kind.equals("semaphore")
                              ? inside > PERMITS
                              : writers.get() > 1 || (writers.get() == 1 && readers.get() > 0);
                      if (bad) {
                        violations.incrementAndGet();
                      }
                      long until = System.nanoTime() + CRITICAL_SECTION_NANOS;
                      while (System.nanoTime() - until < 0) {
                        Thread.onSpinWait();
                      }
                      side.decrementAndGet();
                      release.run();
                    } catch (RuntimeException e) {
                      errors.incrementAndGet();
                      synchronized (first) {
                        first.add(e);
                      }
                      continue;
                    }
                    if (!stop.get()) {
                      Latency.record(mine, System.nanoTime() - t0);
                      ops.incrementAndGet();
                    }
                  }
                  synchronized (latency) {
                    latency.add(mine);
                  }
                });
        threads.add(thread);
        thread.start();
      }
      ready.await();
      CpuMeter.Sample before = cpu.sample();
      long start = System.nanoTime();
      go.countDown();
      Thread.sleep(duration.toMillis());
      stop.set(true);
      long end = System.nanoTime();
      CpuMeter.Sample after = cpu.sample();
      Workers.joinAll(threads, kind + " " + library);
      return new Run(
          ops.get(),
          end - start,
          latency,
          violations.get(),
          errors.get(),
          first.isEmpty() ? null : first.get(0),
          after.perOpMicros(before, ops.get()));
    } finally {
      clients.forEach(Client::close);
    }
  }

  /** Every kind for redmutex and Redisson, interleaved in rounds after a warm-up. */
  static List<Figures> runAll(RedisTarget redis, RedisAdmin admin, Mode mode, CpuMeter cpu)
      throws InterruptedException {
    List<String> libraries = List.of("redmutex", "redisson");
    Map<String, List<Run>> runs = new LinkedHashMap<>();
    for (int r = 0; r <= mode.rounds(); r++) {
      boolean warmUp = r == 0;
      if (warmUp && mode.warmUp().isZero()) {
        continue;
      }
      for (String kind : KINDS) {
        for (String library : libraries) {
          admin.flushAll();
          Run run = measure(library, kind, redis, warmUp ? mode.warmUp() : mode.round(), cpu);
          System.err.printf(
              Locale.ROOT,
              "bench: %s %s %s: %,.0f ops/s%s%s%n",
              warmUp ? "warm-up" : "round " + r + "/" + mode.rounds(),
              kind,
              library,
              run.ops * 1e9 / run.elapsedNanos,
              run.violations > 0 ? " — " + run.violations + " VIOLATIONS" : "",
              run.errors > 0 ? ", " + run.errors + " ERRORS: " + run.first : "");
          if (!warmUp) {
            runs.computeIfAbsent(kind + "/" + library, k -> new ArrayList<>()).add(run);
          }
        }
      }
    }
    List<Figures> figures = new ArrayList<>();
    runs.forEach(
        (key, list) -> {
          Histogram all = Latency.histogram();
          list.forEach(run -> all.add(run.latency));
          Run firstFailing = list.stream().filter(x -> x.first != null).findFirst().orElse(null);
          figures.add(
              new Figures(
                  key.substring(0, key.indexOf('/')),
                  key.substring(key.indexOf('/') + 1),
                  median(list.stream().mapToDouble(x -> x.ops * 1e9 / x.elapsedNanos).toArray()),
                  Latency.micros(all, 50),
                  Latency.micros(all, 99),
                  median(list.stream().mapToDouble(x -> x.cpu.client()).toArray()),
                  median(list.stream().mapToDouble(x -> x.cpu.redis()).toArray()),
                  list.stream().mapToLong(Run::violations).sum(),
                  list.stream().mapToLong(Run::errors).sum(),
                  firstFailing == null ? null : String.valueOf(firstFailing.first)));
        });
    return figures;
  }

  private static double median(double[] values) {
    java.util.Arrays.sort(values);
    int n = values.length;
    return n == 0
        ? Double.NaN
        : n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
  }

  /** The Markdown table, ratios redmutex ÷ Redisson. */
  static void table(StringBuilder out, List<Figures> figures) {
    if (figures.isEmpty()) {
      return;
    }
    out.append("### semaphore and read-write\n\n");
    out.append(
        "`semaphore`: "
            + THREADS
            + " threads in "
            + CLIENTS
            + " clients on one semaphore of "
            + PERMITS
            + " permits (redmutex `semaphore(name, 4)`, 30 s leases renewed; Redisson"
            + " `RPermitExpirableSemaphore.acquire(30 s lease)`, not renewed). `read-write`: the"
            + " same threads on one read-write lock, "
            + READ_PERCENT
            + " % reads (redmutex `readWriteLock` leases; Redisson `RReadWriteLock`, watchdog)."
            + " A ~1 µs critical section counts who is inside.\n\n");
    out.append(
        "| scenario | library | ops/s | p50 µs | p99 µs | client CPU µs/op | Redis CPU µs/op"
            + " | violations | redmutex ÷ library (ops/s, client CPU) |\n");
    out.append("|---|---|--:|--:|--:|--:|--:|--:|---|\n");
    for (Figures f : figures) {
      Figures subject =
          figures.stream()
              .filter(s -> s.kind.equals(f.kind) && s.library.equals("redmutex"))
              .findFirst()
              .orElse(f);
      out.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %,.0f | %.0f | %.0f | %.1f | %.1f | %d%s | %s |%n",
              f.kind,
              f.library,
              f.opsPerSecond,
              f.p50Micros,
              f.p99Micros,
              f.clientCpuMicros,
              f.redisCpuMicros,
              f.violations,
              f.errors > 0 ? " (" + f.errors + " errors)" : "",
              f == subject
                  ? "—"
                  : String.format(
                      Locale.ROOT,
                      "%.2f× ops/s, %.2f× CPU",
                      subject.opsPerSecond / f.opsPerSecond,
                      subject.clientCpuMicros / f.clientCpuMicros)));
    }
    out.append('\n');
  }

  /** What makes these figures unusable: no operation, an error, a violation. */
  static List<String> problems(List<Figures> figures) {
    List<String> problems = new ArrayList<>();
    for (Figures f : figures) {
      String what = f.kind + "/" + f.library;
      if (!(f.opsPerSecond > 0)) {
        problems.add(what + ": no operation completed");
      }
      if (f.errors > 0) {
        problems.add(what + ": " + f.errors + " operations threw, first: " + f.firstError);
      }
      if (f.violations > 0) {
        problems.add(what + ": EXCLUSION VIOLATED " + f.violations + " times");
      }
    }
    return problems;
  }
}
