package io.redmutex.interop;

import io.redmutex.testkit.Timing;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/** What the interop tests share for finding, building and installing other languages' programs. */
final class Toolchains {
  private Toolchains() {}

  /**
   * A missing toolchain: the calling test is skipped with {@code message}, or fails with it when
   * the {@code CI} environment variable is set (CI installs every toolchain, so a missing one there
   * is a broken CI, not a reason to skip).
   */
  static <T> T missing(String message) {
    if (System.getenv("CI") != null) {
      return Assertions.fail(message);
    }
    return Assumptions.abort(message);
  }

  /** The module's {@code target/} folder (the parent of {@code target/test-classes}). */
  static Path targetDir() {
    try {
      Path classes =
          Path.of(Toolchains.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      return classes.getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException("cannot locate target/ from the test classes", e);
    }
  }

  /**
   * Copies the test resource {@code resource} (e.g. {@code /interop/node/redlock.js}) to a file.
   */
  static void copyResource(String resource, Path to) {
    try (InputStream in = Toolchains.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("test resource " + resource + " not found");
      }
      Files.createDirectories(to.getParent());
      Files.copy(in, to, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot copy " + resource + " to " + to, e);
    }
  }

  /**
   * The first line {@code command} prints, if it runs and exits 0 (e.g. {@code node --version}).
   */
  static Optional<String> version(String... command) {
    try {
      Result result = run(List.of(command), null, Map.of(), 30);
      return result.exitCode() == 0
          ? Optional.of(result.output().strip().split("\n")[0])
          : Optional.empty();
    } catch (UncheckedIOException e) {
      return Optional.empty();
    }
  }

  /**
   * Runs {@code command} in {@code dir} (null: the current one) with {@code environment} added,
   * stdout and stderr merged, waiting up to {@code timeoutSeconds} (scaled).
   */
  static Result run(
      List<String> command, Path dir, Map<String, String> environment, long timeoutSeconds) {
    try {
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
      if (dir != null) {
        builder.directory(dir.toFile());
      }
      builder.environment().putAll(environment);
      Process process = builder.start();
      process.getOutputStream().close();
      // Read while it runs (a full pipe would block it); the read ends when it exits.
      byte[] output = process.getInputStream().readAllBytes();
      if (!process.waitFor(Timing.scaledMillis(timeoutSeconds * 1000), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(String.join(" ", command) + " did not finish");
      }
      return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + String.join(" ", command), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running " + String.join(" ", command), e);
    }
  }

  record Result(int exitCode, String output) {}
}
