package io.redmutex.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * {@code footprint}: what one client of a library costs. On an emptied Redis it opens a client,
 * lets one of its acquires wait behind a lock held by another client (so that wake-up machinery,
 * opened lazily by some libraries, is counted), then holds {@code locks} locks at once from {@value
 * #THREADS} threads and measures:
 *
 * <ul>
 *   <li>connections: {@code CLIENT LIST} entries carrying the client's name, cross-checked with the
 *       change in the number of connections;
 *   <li>threads: live threads that were not there before the client was opened (the benchmark's own
 *       {@code bench-*} threads and the JVM's shared common pool left out);
 *   <li>bytes per lock: the growth of Redis {@code used_memory} while the locks are held, divided
 *       by their number, and what stays behind per lock once they are all released.
 * </ul>
 */
final class FootprintScenario {
  static final int THREADS = 16;

  /**
   * One measurement.
   *
   * @param connectionsIdle connections right after opening the client
   * @param connections connections while holding the locks, after a wait
   * @param connectionDelta change in the server's connection count over the same span
   * @param threadsIdle threads started by opening the client
   * @param threads threads alive while holding the locks that were not there before
   * @param threadNames those threads, grouped by name pattern with counts
   * @param locks how many locks were held at once
   * @param bytesPerLock growth of {@code used_memory} per held lock
   * @param residueBytesPerLock {@code used_memory} left per lock after all were released
   */
  record Run(
      long connectionsIdle,
      long connections,
      long connectionDelta,
      int threadsIdle,
      int threads,
      Map<String, Integer> threadNames,
      int locks,
      double bytesPerLock,
      double residueBytesPerLock) {}

  private final int locks;

  FootprintScenario(int locks) {
    this.locks = locks;
  }

  Run run(Library library, RedisTarget redis, RedisAdmin admin) throws InterruptedException {
    String clientName = "bench-" + library.id() + "-footprint";
    admin.flushAll();
    // The holder the measured client waits behind is another client, as in production: some
    // libraries settle contention inside one client without any wake-up machinery. It is opened
    // and used before the counts start, so that none of its connections or threads are counted.
    try (Library.Client other = library.open(redis, "bench-" + library.id() + "-footprint-other")) {
      other.acquire("bench:footprint:warm").release();
      Threads.settle();
      Set<Thread> threadsBefore = Threads.live();
      int connectionsBefore = admin.clientNames().size();
      try (Library.Client client = library.open(redis, clientName)) {
        long connectionsIdle = admin.connectionsNamed(clientName);
        int threadsIdle = Threads.startedSince(threadsBefore).size();
        waitBehind(other, client);
        return holdLocks(
            client,
            admin,
            clientName,
            connectionsIdle,
            connectionsBefore,
            threadsIdle,
            threadsBefore);
      }
    }
  }

  private Run holdLocks(
      Library.Client client,
      RedisAdmin admin,
      String clientName,
      long connectionsIdle,
      int connectionsBefore,
      int threadsIdle,
      Set<Thread> threadsBefore)
      throws InterruptedException {
    long memoryBefore = admin.usedMemory();
    CountDownLatch held = new CountDownLatch(THREADS);
    CountDownLatch release = new CountDownLatch(1);
    List<Holder> holders = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      Holder holder = new Holder(client, t, held, release);
      holders.add(holder);
      holder.thread.start();
    }
    try {
      if (!held.await(5, TimeUnit.MINUTES)) {
        throw new IllegalStateException("footprint: could not take " + locks + " locks in 5 min");
      }
      for (Holder h : holders) {
        if (h.error != null) {
          throw new IllegalStateException("footprint: a holder failed: " + h.error, h.error);
        }
      }
      long memoryHeld = admin.usedMemory();
      long connections = admin.connectionsNamed(clientName);
      long connectionDelta = admin.clientNames().size() - connectionsBefore;
      List<Thread> started = Threads.startedSince(threadsBefore);
      release.countDown();
      Workers.joinAll(holders.stream().map(h -> h.thread).toList(), "footprint");
      for (Holder h : holders) {
        if (h.error != null) {
          throw new IllegalStateException("footprint: a release failed: " + h.error, h.error);
        }
      }
      long memoryAfter = admin.usedMemory();
      return new Run(
          connectionsIdle,
          connections,
          connectionDelta,
          threadsIdle,
          started.size(),
          Threads.group(started),
          locks,
          (memoryHeld - memoryBefore) / (double) locks,
          (memoryAfter - memoryBefore) / (double) locks);
    } finally {
      release.countDown();
    }
  }

  /** {@code holder} holds a lock while {@code waiter} waits for it, 200 ms; then both let go. */
  private static void waitBehind(Library.Client holder, Library.Client waiter)
      throws InterruptedException {
    String name = "bench:footprint:wait";
    CountDownLatch taken = new CountDownLatch(1);
    CountDownLatch letGo = new CountDownLatch(1);
    RuntimeException[] failure = new RuntimeException[2];
    Thread holding =
        Workers.newThread(
            () -> {
              try {
                Library.Held held = holder.acquire(name);
                taken.countDown();
                Workers.await(letGo);
                held.release();
              } catch (RuntimeException e) {
                failure[0] = e;
                taken.countDown();
              }
            });
    holding.start();
    taken.await();
    Thread waiting =
        Workers.newThread(
            () -> {
              try {
                waiter.acquire(name).release();
              } catch (RuntimeException e) {
                failure[1] = e;
              }
            });
    waiting.start();
    Thread.sleep(200);
    letGo.countDown();
    Workers.joinAll(List.of(holding, waiting), "footprint wait");
    for (RuntimeException e : failure) {
      if (e != null) {
        throw new IllegalStateException("footprint: a contended acquire failed: " + e, e);
      }
    }
  }

  private final class Holder implements Runnable {
    final Thread thread;
    private final Library.Client client;
    private final int index;
    private final CountDownLatch held;
    private final CountDownLatch release;
    volatile RuntimeException error;

    Holder(Library.Client client, int index, CountDownLatch held, CountDownLatch release) {
      this.client = client;
      this.index = index;
      this.held = held;
      this.release = release;
      this.thread = Workers.newThread(this);
    }

    @Override
    public void run() {
      List<Library.Held> mine = new ArrayList<>();
      try {
        int from = (int) ((long) index * locks / THREADS);
        int to = (int) ((long) (index + 1) * locks / THREADS);
        for (int n = from; n < to; n++) {
          mine.add(client.acquire("bench:footprint:" + n));
        }
      } catch (RuntimeException e) {
        error = e;
      } finally {
        held.countDown();
      }
      Workers.await(release);
      try {
        for (Library.Held h : mine) {
          h.release();
        }
      } catch (RuntimeException e) {
        error = e;
      }
    }
  }

  /** Live-thread bookkeeping. */
  static final class Threads {
    private Threads() {}

    static Set<Thread> live() {
      return Thread.getAllStackTraces().keySet();
    }

    /** Threads alive now that were not in {@code before}, less the benchmark's and the JVM's. */
    static List<Thread> startedSince(Set<Thread> before) {
      return live().stream()
          .filter(t -> !before.contains(t))
          .filter(t -> !t.getName().startsWith(Workers.PREFIX))
          .filter(t -> !t.getName().startsWith("ForkJoinPool.commonPool"))
          .filter(t -> !t.getName().equals("Attach Listener"))
          .toList();
    }

    /**
     * Waits (up to 10 s) until the thread count has not changed for half a second, so that a client
     * closed just before has finished stopping its threads.
     */
    static void settle() throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      int last = -1;
      int stable = 0;
      while (stable < 5 && System.nanoTime() < deadline) {
        int now = live().size();
        stable = now == last ? stable + 1 : 0;
        last = now;
        Thread.sleep(100);
      }
    }

    /** Thread names with digits replaced by {@code N}, counted: "lettuce-nioEventLoop-N-N ×2". */
    static Map<String, Integer> group(List<Thread> threads) {
      return threads.stream()
          .collect(
              Collectors.toMap(
                  t -> t.getName().replaceAll("\\d+", "N"), t -> 1, Integer::sum, TreeMap::new));
    }
  }
}
