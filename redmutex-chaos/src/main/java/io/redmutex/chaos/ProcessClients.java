package io.redmutex.chaos;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Clients as worker JVMs ({@link Worker}), launched with this JVM's {@code java} and class path.
 * Their stderr goes to a log file each, kept in {@link #logDirectory()}.
 */
final class ProcessClients implements Clients {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private final List<Process> processes = new ArrayList<>();
  private final List<Thread> readers = new ArrayList<>();
  private final Path logs;

  private ProcessClients(Path logs) {
    this.logs = logs;
  }

  /** Starts {@code count} worker JVMs and returns once each has connected. */
  static ProcessClients start(
      int count,
      Topology topology,
      Workload workload,
      String registerUri,
      long seed,
      Duration maxDuration,
      History history,
      Path logs) {
    ProcessClients clients = new ProcessClients(logs);
    try {
      Files.createDirectories(logs);
      List<CompletableFuture<Void>> ready = new ArrayList<>();
      for (int id = 0; id < count; id++) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // Small and quick to start: two cores run the harness, Redis and every worker.
        command.addAll(
            List.of(
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-Xmx128m",
                "-Xss512k",
                "-cp",
                System.getProperty("java.class.path"),
                Worker.class.getName(),
                "id=" + id,
                "seed=" + seed,
                "lockUri=" + topology.lockUri(id),
                "registerUri=" + registerUri,
                "maxMillis=" + maxDuration.toMillis()));
        command.addAll(workload.toArgs());
        Process process =
            new ProcessBuilder(command)
                .redirectError(logs.resolve("worker-" + id + ".log").toFile())
                .start();
        clients.processes.add(process);
        CompletableFuture<Void> connected = new CompletableFuture<>();
        ready.add(connected);
        Thread reader = new Thread(() -> read(process, history, connected), "chaos-worker-" + id);
        reader.setDaemon(true);
        clients.readers.add(reader);
        reader.start();
      }
      CompletableFuture.allOf(ready.toArray(CompletableFuture[]::new))
          .get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      return clients;
    } catch (IOException | ExecutionException | TimeoutException e) {
      clients.close();
      throw new IllegalStateException(
          "worker JVMs could not start (logs in " + logs + "): " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      clients.close();
      throw new IllegalStateException("interrupted while starting worker JVMs", e);
    }
  }

  private static void read(Process process, History history, CompletableFuture<Void> connected) {
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        if (Op.isLine(line)) {
          history.add(Op.parse(line));
        } else if (line.equals(Worker.READY)) {
          connected.complete(null);
        } else if (line.startsWith(Worker.ERROR)) {
          connected.completeExceptionally(
              new IllegalStateException(line.substring(Worker.ERROR.length())));
        }
      }
    } catch (IOException e) {
      // the process ended
    } finally {
      connected.completeExceptionally(new IllegalStateException("worker exited"));
    }
  }

  /** Where the workers' stderr logs are. */
  Path logDirectory() {
    return logs;
  }

  @Override
  public int count() {
    return processes.size();
  }

  @Override
  public long pid(int client) {
    return processes.get(client).pid();
  }

  @Override
  public boolean separateProcesses() {
    return true;
  }

  @Override
  public int stop(Duration timeout) throws InterruptedException {
    for (Process process : processes) {
      try {
        OutputStream in = process.getOutputStream();
        in.write((Worker.STOP + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
      } catch (IOException e) {
        // already exited
      }
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    int stuck = 0;
    for (Process process : processes) {
      long left = deadline - System.nanoTime();
      if (!process.waitFor(Math.max(0, left), TimeUnit.NANOSECONDS)) {
        stuck++;
      }
    }
    for (Thread reader : readers) {
      reader.join(TimeUnit.SECONDS.toMillis(5)); // every event read before the checker runs
    }
    return stuck;
  }

  @Override
  public void close() {
    for (Process process : processes) {
      if (process.isAlive()) {
        Signals.resume(process.pid()); // a stopped process dies on SIGKILL too, but be tidy
        process.destroyForcibly();
      }
    }
    for (Process process : processes) {
      try {
        process.waitFor(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
