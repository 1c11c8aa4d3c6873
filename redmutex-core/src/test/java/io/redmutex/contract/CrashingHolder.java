package io.redmutex.contract;

import io.redmutex.Lease;
import io.redmutex.RedMutex;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A holder in a JVM of its own, to be killed (SIGKILL: no release, no close, no more renewals): it
 * takes a semaphore permit or a read or write hold, prints {@code HELD <fencing token>}, and
 * sleeps.
 */
final class CrashingHolder implements AutoCloseable {
  private final Process process;
  private final long fencingToken;

  /**
   * Starts a holder of {@code kind} ({@code permit:N}, {@code read}, {@code write}) of {@code name}
   * with lease time {@code leaseMillis}, and waits until it holds.
   */
  CrashingHolder(String uri, String kind, String name, long leaseMillis) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    process =
        new ProcessBuilder(
                List.of(
                    java,
                    "-cp",
                    System.getProperty("java.class.path"),
                    CrashingHolder.class.getName(),
                    uri,
                    kind,
                    name,
                    Long.toString(leaseMillis)))
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = out.readLine()) != null && !line.startsWith("HELD ")) {
      // log lines of the child, if any
    }
    if (line == null) {
      process.destroyForcibly();
      throw new IllegalStateException("the holder process ended without holding " + name);
    }
    fencingToken = Long.parseLong(line.substring("HELD ".length()).trim());
  }

  long fencingToken() {
    return fencingToken;
  }

  /** Kills it with SIGKILL and waits until it is gone. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(1, TimeUnit.MINUTES);
  }

  @Override
  public void close() throws InterruptedException {
    kill();
  }

  public static void main(String[] args) throws InterruptedException {
    String uri = args[0];
    String kind = args[1];
    String name = args[2];
    RedMutex client =
        RedMutex.builder()
            .uri(uri)
            .leaseTime(Duration.ofMillis(Long.parseLong(args[3])))
            .clientName("crashing-holder")
            .build();
    Duration wait = Duration.ofSeconds(30);
    Lease lease =
        switch (kind.replaceAll(":.*", "")) {
          case "permit" ->
              client
                  .semaphore(name, Integer.parseInt(kind.substring("permit:".length())))
                  .acquire(wait);
          case "read" -> client.readWriteLock(name).read().acquire(wait);
          case "write" -> client.readWriteLock(name).write().acquire(wait);
          default -> throw new IllegalArgumentException("unknown kind " + kind);
        };
    System.out.println("HELD " + lease.fencingToken());
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
