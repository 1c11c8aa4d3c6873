package io.redmutex.cli;

import io.lettuce.core.api.sync.RedisCommands;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Drives the slow worker of {@code demo --unsafe} ({@link DemoWorkerCommand}, in its own JVM): once
 * it holds the lock and has read the balance, freezes it with SIGSTOP until its lease has expired
 * and another worker has written to the account, then thaws it and lets it write its stale balance.
 * The freeze ends on that condition, not after a fixed time, so the outcome is certain: the seed
 * loses the other worker's update; redmutex's fencing token refuses the stale write.
 */
final class SlowWorker implements AutoCloseable {
  private static final long MAX_FREEZE_NANOS = Duration.ofSeconds(30).toNanos();
  private static final long POLL_MILLIS = 10;

  /** What happened to the slow worker. */
  record Outcome(
      boolean staleWriteAccepted,
      String released,
      boolean retriedAccepted,
      long deposits,
      Duration frozenFor) {}

  private final DemoWorker.Protocol protocol;
  private final Process process;
  private final BufferedReader lines;
  private final List<String> transcript = new ArrayList<>();
  private final Thread killOnExit;

  private SlowWorker(DemoWorker.Protocol protocol, Process process) {
    this.protocol = protocol;
    this.process = process;
    this.lines =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    // If the demo is stopped by a signal, no finally block runs: do not leave a frozen JVM behind.
    this.killOnExit = new Thread(process::destroyForcibly, "demo-slow-worker-reaper");
    Runtime.getRuntime().addShutdownHook(killOnExit);
  }

  /** Starts the worker JVM: this same program, command {@code demo-worker}. */
  static SlowWorker start(
      DemoWorker.Protocol protocol,
      DemoAccount account,
      Duration lease,
      RedisTarget redis,
      String keyPrefix,
      boolean verbose) {
    List<String> command = new ArrayList<>();
    command.add(javaExecutable());
    command.addAll(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
    command.add("demo-worker");
    if (keyPrefix != null) {
      command.add("--key-prefix=" + keyPrefix);
    }
    command.addAll(
        List.of(
            "--protocol=" + protocol.name(),
            "--lock=" + account.lockName(),
            "--account=" + account.key(),
            "--lease=" + lease.toMillis() + "ms"));
    ProcessBuilder builder = new ProcessBuilder(command);
    // The URI travels in the environment, not on the command line, where ps would show it.
    Map<String, String> env = builder.environment();
    env.put(RedisTarget.URI_ENV, redis.uri());
    env.remove(RedisTarget.PASSWORD_ENV);
    builder.redirectError(
        verbose ? ProcessBuilder.Redirect.INHERIT : ProcessBuilder.Redirect.DISCARD);
    try {
      return new SlowWorker(protocol, builder.start());
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the slow worker JVM: " + e.getMessage(), e);
    }
  }

  /**
   * Runs the whole episode and returns what happened.
   *
   * @param account the account it deposits into
   * @param redis a connection of the demo's own, to watch the account
   */
  Outcome play(DemoAccount account, RedisCommands<String, String> redis) throws IOException {
    String[] holding = expect("holding").split(" ");
    long token = Long.parseLong(holding[1]);
    long balanceRead = Long.parseLong(holding[2]);
    long frozenAt = System.nanoTime();
    PosixSignals.stop(process.pid());
    BooleanSupplier overtaken =
        protocol == DemoWorker.Protocol.REDMUTEX
            ? () -> account.lastFence(redis) > token && account.balance(redis) != balanceRead
            : () -> account.balance(redis) != balanceRead;
    try {
      while (!overtaken.getAsBoolean() && System.nanoTime() - frozenAt < MAX_FREEZE_NANOS) {
        Thread.sleep(POLL_MILLIS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while the slow worker was frozen", e);
    } finally {
      PosixSignals.resume(process.pid());
    }
    Duration frozenFor = Duration.ofNanos(System.nanoTime() - frozenAt);
    OutputStream stdin = process.getOutputStream();
    stdin.write("go\n".getBytes(StandardCharsets.UTF_8));
    stdin.flush();
    boolean accepted = expect("wrote").endsWith("accepted");
    String released = expect("released").substring("released ".length());
    boolean retried = false;
    if (!accepted) {
      retried = expect("retried").endsWith("accepted");
    }
    long deposits = Long.parseLong(expect("done").substring("done ".length()));
    return new Outcome(accepted, released, retried, deposits, frozenFor);
  }

  /** The next line, which must start with {@code word}. */
  private String expect(String word) throws IOException {
    String line = lines.readLine();
    if (line == null || !line.startsWith(word)) {
      throw new IOException(
          "the slow "
              + protocol.name().toLowerCase(Locale.ROOT)
              + " worker said "
              + (line == null ? "nothing more (it exited)" : "'" + line + "'")
              + " where '"
              + word
              + " ...' was expected; after: "
              + transcript
              + " (run with --verbose to see its errors)");
    }
    transcript.add(line);
    return line;
  }

  /** Kills the worker JVM if it is still there (SIGKILL ends a frozen process too). */
  @Override
  public void close() {
    try {
      Runtime.getRuntime().removeShutdownHook(killOnExit);
    } catch (IllegalStateException shuttingDown) {
      // the hook kills it
    }
    if (process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static String javaExecutable() {
    return ProcessHandle.current()
        .info()
        .command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }
}
