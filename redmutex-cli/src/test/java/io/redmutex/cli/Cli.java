package io.redmutex.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.redmutex.testkit.Timing;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The packaged jar, run as a separate process the way users run it: {@code java -jar
 * target/redmutex-cli-VERSION.jar ARGS}. Output goes to files (no pipe can fill up and block it).
 * The environment is ours minus {@code REDMUTEX_URI} and {@code REDIS_PASSWORD}, plus what a test
 * adds, so that the developer's shell cannot leak into a test.
 */
final class Cli {
  /** Set by failsafe (see the pom): the shaded jar built in the package phase. */
  static final Path JAR = jar();

  static final Duration EXIT_TIMEOUT = Timing.scaled(Duration.ofSeconds(60));

  private final Process process;
  private final Path stdout;
  private final Path stderr;

  private Cli(Process process, Path stdout, Path stderr) {
    this.process = process;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  static Cli start(String... args) {
    return start(Map.of(), args);
  }

  static Cli start(Map<String, String> env, String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-jar");
    command.add(JAR.toString());
    command.addAll(List.of(args));
    try {
      Path out = Files.createTempFile("redmutex-cli-", ".out");
      Path err = Files.createTempFile("redmutex-cli-", ".err");
      out.toFile().deleteOnExit();
      err.toFile().deleteOnExit();
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
              .redirectOutput(out.toFile())
              .redirectError(err.toFile());
      Map<String, String> environment = builder.environment();
      environment.remove("REDMUTEX_URI");
      environment.remove("REDIS_PASSWORD");
      environment.putAll(new HashMap<>(env));
      return new Cli(builder.start(), out, err);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs to completion and returns the exit status. */
  static Cli run(String... args) {
    return run(Map.of(), args);
  }

  static Cli run(Map<String, String> env, String... args) {
    Cli cli = start(env, args);
    cli.awaitExit();
    return cli;
  }

  /** Waits (up to a generous, scaled bound) for the process to exit; returns its status. */
  int awaitExit() {
    await("redmutex " + this + " to exit")
        .atMost(EXIT_TIMEOUT)
        .pollInterval(Duration.ofMillis(20))
        .until(() -> !process.isAlive());
    return process.exitValue();
  }

  int exitCode() {
    assertThat(process.isAlive()).as("still running: " + this).isFalse();
    return process.exitValue();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  Process process() {
    return process;
  }

  /** The processes it started (the command of {@code run}), as of now. */
  List<ProcessHandle> descendants() {
    return process.descendants().toList();
  }

  String stdout() {
    return read(stdout);
  }

  String stderr() {
    return read(stderr);
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String toString() {
    return "[pid " + process.pid() + "; stdout: " + stdout() + "; stderr: " + stderr() + "]";
  }

  /** Kills it and everything it started, if still running: for test cleanup. */
  void kill() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }

  private static Path jar() {
    // $REDMUTEX_CLI_JAR runs the tests against another build, e.g. to see a new test fail on the
    // jar from before a fix.
    String other = System.getenv("REDMUTEX_CLI_JAR");
    String property =
        other == null || other.isBlank() ? System.getProperty("redmutex.cli.jar") : other;
    if (property == null) {
      throw new IllegalStateException(
          "system property redmutex.cli.jar is not set: run the end-to-end tests with"
              + " 'mvn verify' (failsafe sets it to the jar built in the package phase)");
    }
    Path jar = Path.of(property);
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("no jar at " + jar + ": run 'mvn verify', not just test");
    }
    return jar;
  }
}
