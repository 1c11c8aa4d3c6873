package io.redmutex.chaos;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.redmutex.RedMutex;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Clients as threads of the harness JVM, each with its own {@link RedMutex}. */
final class ThreadClients implements Clients {
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);

  private final RedisClient registerClient;
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean stopping;

  private ThreadClients(RedisClient registerClient) {
    this.registerClient = registerClient;
  }

  /** Starts {@code count} clients and returns once each has connected. */
  static ThreadClients start(
      int count,
      Topology topology,
      Workload workload,
      String registerUri,
      long seed,
      History history) {
    RedisURI uri = RedisURI.create(registerUri);
    uri.setTimeout(workload.registerTimeout());
    ThreadClients clients = new ThreadClients(RedisClient.create(uri));
    try {
      List<CompletableFuture<Void>> ready = new ArrayList<>();
      for (int id = 0; id < count; id++) {
        CompletableFuture<Void> connected = new CompletableFuture<>();
        ready.add(connected);
        int client = id;
        Thread thread =
            new Thread(
                () -> clients.runClient(client, topology, workload, seed, history, connected),
                "chaos-client-" + id);
        thread.setDaemon(true);
        clients.threads.add(thread);
        thread.start();
      }
      CompletableFuture.allOf(ready.toArray(CompletableFuture[]::new))
          .get(CONNECT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      return clients;
    } catch (ExecutionException | TimeoutException e) {
      clients.close();
      throw new IllegalStateException("clients could not connect: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      clients.close();
      throw new IllegalStateException("interrupted while starting clients", e);
    }
  }

  private void runClient(
      int id,
      Topology topology,
      Workload workload,
      long seed,
      History history,
      CompletableFuture<Void> connected) {
    try (Register register = new Register(registerClient)) {
      ClientLoop loop =
          new ClientLoop(
              id, topology.lockUri(id), workload, register, seed, history::add, () -> stopping);
      try (RedMutex mutex = loop.connect(topology.clientResources(id))) {
        connected.complete(null);
        loop.run(mutex);
      }
    } catch (RuntimeException e) {
      if (!connected.completeExceptionally(e)) {
        throw e; // after start: the thread dies, and stop() counts it as stopped
      }
    }
  }

  @Override
  public int count() {
    return threads.size();
  }

  @Override
  public long pid(int client) {
    throw new UnsupportedOperationException("thread clients share the harness's process");
  }

  @Override
  public boolean separateProcesses() {
    return false;
  }

  @Override
  public int stop(Duration timeout) throws InterruptedException {
    stopping = true;
    long deadline = System.nanoTime() + timeout.toNanos();
    int stuck = 0;
    for (Thread thread : threads) {
      long left = deadline - System.nanoTime();
      if (left > 0) {
        TimeUnit.NANOSECONDS.timedJoin(thread, left);
      }
      if (thread.isAlive()) {
        stuck++;
      }
    }
    return stuck;
  }

  @Override
  public void close() {
    stopping = true;
    for (Thread thread : threads) {
      thread.interrupt();
    }
    for (Thread thread : threads) {
      try {
        thread.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    registerClient.shutdown(Duration.ZERO, Duration.ofSeconds(2));
  }
}
