package io.redmutex.interop;

import io.redmutex.testkit.Timing;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;

/**
 * One run of another language's lock program in an interop test: its stdout lines are events
 * ({@code ACQUIRED {...}}, {@code BUSY}, ...), a line on its stdin ({@link #release()}) is the
 * signal to give the lock back, and closing stdin tells it to release and exit. The drivers
 * (pylock.py, the Go seed port, redlock.js) all speak this shape.
 */
final class InteropProcess implements AutoCloseable {
  /** How long {@link #next()} waits for a line (scaled by {@link Timing}). */
  static final Duration LINE_TIMEOUT = Duration.ofSeconds(20);

  private static final String EOF = "<EOF>";

  private final List<String> command;
  private final String secret;
  private final Process process;
  private final Path stderr;
  private final Writer stdin;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

  /**
   * Starts {@code command} with {@code environment} added to this JVM's; {@code secret} (a password
   * on the command line, or null) is masked in {@link #toString()}.
   */
  InteropProcess(List<String> command, Map<String, String> environment, String secret) {
    this.command = List.copyOf(command);
    this.secret = secret;
    try {
      stderr = Files.createTempFile("interop", ".err");
      ProcessBuilder builder =
          new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.to(stderr.toFile()));
      builder.environment().putAll(environment);
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + this.command, e);
    }
    stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    Thread reader = new Thread(this::readStdout, "interop-stdout-" + process.pid());
    reader.setDaemon(true);
    reader.start();
  }

  private void readStdout() {
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        lines.add(line);
      }
    } catch (IOException e) {
      lines.add("<stdout unreadable: " + e + ">");
    } finally {
      lines.add(EOF);
    }
  }

  /** The next line on stdout, waiting up to {@link #LINE_TIMEOUT} (scaled). */
  String next() {
    Duration timeout = Timing.scaled(LINE_TIMEOUT);
    String line;
    try {
      line = lines.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted waiting for " + this, e);
    }
    if (line == null) {
      return Assertions.fail("no output within " + timeout + " from " + this);
    }
    if (line.equals(EOF)) {
      lines.add(EOF);
      return Assertions.fail("exited without the expected output: " + this);
    }
    return line;
  }

  /** Expects the next line to be {@code event}, and returns what follows it on that line. */
  String expect(String event) {
    String line = next();
    if (!line.equals(event) && !line.startsWith(event + " ")) {
      return Assertions.fail("expected " + event + ", got '" + line + "' from " + this);
    }
    return line.substring(event.length()).trim();
  }

  /** Tells a holding program to release. */
  void release() {
    try {
      stdin.write("release\n");
      stdin.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot signal " + this, e);
    }
  }

  /** Kills the program with SIGKILL, as a crash would: it releases nothing. */
  void kill() {
    process.destroyForcibly();
    try {
      if (!process.waitFor(Timing.scaledMillis(LINE_TIMEOUT.toMillis()), TimeUnit.MILLISECONDS)) {
        Assertions.fail("did not die: " + this);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted waiting for " + this, e);
    }
  }

  int exitCode() {
    try {
      if (!process.waitFor(Timing.scaledMillis(LINE_TIMEOUT.toMillis()), TimeUnit.MILLISECONDS)) {
        return Assertions.fail("did not exit: " + this);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted waiting for " + this, e);
    }
    return process.exitValue();
  }

  @Override
  public void close() {
    try {
      stdin.close(); // EOF on stdin: a holding program releases and exits
      if (!process.waitFor(Timing.scaledMillis(5_000), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (IOException e) {
      process.destroyForcibly();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    } finally {
      try {
        Files.deleteIfExists(stderr);
      } catch (IOException ignored) {
        // a temp file
      }
    }
  }

  @Override
  public String toString() {
    String err;
    try {
      err = Files.readString(stderr);
    } catch (IOException e) {
      err = "(unreadable: " + e + ")";
    }
    String shown = String.join(" ", command);
    if (secret != null && !secret.isEmpty()) {
      shown = shown.replace(secret, "***");
    }
    return shown
        + (process.isAlive() ? " (running)" : " (exit " + process.exitValue() + ")")
        + (err.isBlank() ? "" : "; stderr:\n" + err);
  }
}
