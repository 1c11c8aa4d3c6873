package io.redmutex.testkit;

import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One {@code redis-server} OS process of a {@link RedisServer}: spawning it, waiting until it
 * answers {@code PING}, and ending it. A restart spawns a new one.
 */
final class ServerProcess {

  /** How a start ended, short of an exception. */
  enum Startup {
    READY,
    PORT_TAKEN
  }

  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(1);
  private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(10);
  private static final int ERROR_LOG_LINES = 40;
  private static final long MAX_PROBE_PAUSE_MILLIS = 50;

  private final Process process;
  private final RedisBinary binary;
  private final ServerDirectory directory;
  private final RedisURI probeUri;

  private ServerProcess(
      Process process, RedisBinary binary, ServerDirectory directory, RedisURI probeUri) {
    this.process = process;
    this.binary = binary;
    this.directory = directory;
    this.probeUri = probeUri;
  }

  /**
   * Starts {@code binary} on the directory's config file, appending its output to the log.
   *
   * @param serverUri where the process will listen, with its password; used to probe it
   * @param options command-line options after the config file, e.g. {@code --sentinel}
   */
  static ServerProcess spawn(
      RedisBinary binary, ServerDirectory directory, RedisURI serverUri, List<String> options) {
    List<String> command = new ArrayList<>();
    command.add(binary.path().toString());
    command.add(directory.configFile().toString());
    command.addAll(options);
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(directory.path().toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(directory.logFile().toFile()));
    Process started;
    try {
      started = builder.start();
      started.getOutputStream().close();
    } catch (IOException e) {
      throw new IllegalStateException("Cannot start " + binary + ": " + e.getMessage(), e);
    }
    RedisURI probeUri =
        RedisURI.builder(serverUri).withTimeout(Timing.scaled(PROBE_TIMEOUT)).build();
    return new ServerProcess(started, binary, directory, probeUri);
  }

  /**
   * Waits until the process answers {@code PING}, for 10 s (scaled).
   *
   * @param logOffset where this process's output starts in the log
   * @return {@link Startup#PORT_TAKEN} if it exited because its port was in use
   * @throws IllegalStateException if it exited for another reason or did not answer in time (it is
   *     killed then); the message carries the log tail
   */
  Startup awaitReady(long logOffset) {
    Duration timeout = Timing.scaled(STARTUP_TIMEOUT);
    long deadline = System.nanoTime() + timeout.toNanos();
    long pause = 2;
    String lastError = "none";
    while (true) {
      if (!process.isAlive()) {
        int exit = awaitExit("startup");
        if (directory.logSince(logOffset).contains("Address already in use")) {
          return Startup.PORT_TAKEN;
        }
        throw failure(
            binary, probeUri.getPort(), directory, "exited with code " + exit + " during startup");
      }
      try {
        if ("PONG".equals(AdminClient.call(probeUri, "PING"))) {
          return Startup.READY;
        }
      } catch (RedisException e) {
        lastError = e.getMessage();
      }
      if (System.nanoTime() - deadline >= 0) {
        kill();
        throw failure(
            binary,
            probeUri.getPort(),
            directory,
            "did not answer PING within "
                + timeout.toMillis()
                + " ms (last error: "
                + lastError
                + ")");
      }
      Polling.sleep(pause, () -> "redis-server on port " + probeUri.getPort() + " to answer PING");
      pause = Math.min(pause * 2, MAX_PROBE_PAUSE_MILLIS);
    }
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** SIGKILL, then waits for the exit. */
  void kill() {
    process.destroyForcibly();
    awaitExit("SIGKILL");
  }

  /** SIGTERM, which Redis handles like SHUTDOWN; SIGKILL if it has not exited in 10 s (scaled). */
  void terminate() {
    process.destroy();
    try {
      if (process.waitFor(Timing.scaled(EXIT_TIMEOUT).toMillis(), TimeUnit.MILLISECONDS)) {
        return;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    kill();
  }

  /** SIGKILL without waiting long: for the JVM shutdown hook and for cleanup after a failure. */
  void killQuietly() {
    process.destroyForcibly();
    try {
      process.waitFor(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private int awaitExit(String after) {
    try {
      if (process.waitFor(Timing.scaled(EXIT_TIMEOUT).toMillis(), TimeUnit.MILLISECONDS)) {
        return process.exitValue();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    throw new IllegalStateException(
        "redis-server pid " + process.pid() + " did not exit after " + after);
  }

  /** An exception naming the executable and port, with the tail of the log. */
  static IllegalStateException failure(
      RedisBinary binary, int port, ServerDirectory directory, String what) {
    return new IllegalStateException(
        binary
            + " on 127.0.0.1:"
            + port
            + " "
            + what
            + ". Last "
            + ERROR_LOG_LINES
            + " lines of "
            + directory.logFile()
            + ":\n"
            + directory.logTail(ERROR_LOG_LINES));
  }
}
