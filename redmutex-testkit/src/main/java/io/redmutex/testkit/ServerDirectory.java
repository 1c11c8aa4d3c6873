package io.redmutex.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** A test server's own temporary working directory, holding its config file and its log. */
final class ServerDirectory {

  private final Path dir;

  private ServerDirectory(Path dir) {
    this.dir = dir;
  }

  static ServerDirectory create() {
    try {
      return new ServerDirectory(Files.createTempDirectory("redmutex-redis-"));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create a temporary directory for redis-server", e);
    }
  }

  Path path() {
    return dir;
  }

  Path configFile() {
    return dir.resolve("redis.conf");
  }

  /** Where the server's stdout and stderr go, appended across restarts. */
  Path logFile() {
    return dir.resolve("redis.log");
  }

  void writeConfig(String text) {
    try {
      Files.writeString(configFile(), text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + configFile(), e);
    }
  }

  /** The log size in bytes, so that a later {@link #logSince(long)} reads only what follows. */
  long logSize() {
    try {
      return Files.size(logFile());
    } catch (NoSuchFileException e) {
      return 0;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + logFile(), e);
    }
  }

  /** The whole log; empty if there is none (yet, or any more). */
  String log() {
    return logSince(0);
  }

  String logSince(long offset) {
    try {
      byte[] bytes = Files.readAllBytes(logFile());
      int from = (int) Math.min(offset, bytes.length);
      return new String(bytes, from, bytes.length - from, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return "";
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + logFile(), e);
    }
  }

  /** The last {@code lines} lines of the log. */
  String logTail(int lines) {
    List<String> all = log().lines().toList();
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }

  /** Deletes the directory and everything in it; a no-op if it is gone. */
  void delete() {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot delete " + dir, e);
    }
  }

  @Override
  public String toString() {
    return dir.toString();
  }
}
