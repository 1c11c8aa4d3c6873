package io.redmutex.cli;

import io.redmutex.RedMutex;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A team of {@link DemoWorker} threads, each with a Redis connection of its own and, for redmutex,
 * a {@link RedMutex} client of its own, as separate services would have.
 */
final class DemoWorkers implements AutoCloseable {
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final List<Thread> threads = new ArrayList<>();
  private final List<RedMutex> clients = new ArrayList<>();

  private DemoWorkers() {}

  static DemoWorkers start(
      DemoWorker.Protocol protocol,
      int count,
      List<DemoAccount> accounts,
      List<DemoStats> stats,
      Duration leaseTime,
      RedmutexCommand root,
      DemoRedis redis) {
    DemoWorkers team = new DemoWorkers();
    try {
      List<DemoWorker> workers = new ArrayList<>();
      for (int i = 1; i <= count; i++) {
        RedMutex mutex = null;
        if (protocol == DemoWorker.Protocol.REDMUTEX) {
          mutex = root.connect(redis.target(), "redmutex-demo-" + i, leaseTime);
          team.clients.add(mutex);
        }
        workers.add(
            new DemoWorker(
                protocol, mutex, redis.connect(), accounts, stats, leaseTime, team.running::get));
      }
      String name = protocol.name().toLowerCase(Locale.ROOT);
      for (int i = 0; i < workers.size(); i++) {
        Thread thread = new Thread(workers.get(i), "demo-" + name + "-" + (i + 1));
        thread.setDaemon(true);
        team.threads.add(thread);
        thread.start();
      }
      return team;
    } catch (RuntimeException e) {
      team.close();
      throw e;
    }
  }

  /** Asks the workers to stop after their current deposit, waits for them, closes the clients. */
  @Override
  public void close() {
    running.set(false);
    boolean interrupted = false;
    for (Thread thread : threads) {
      while (true) {
        try {
          thread.join();
          break;
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    }
    clients.forEach(RedMutex::close);
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
