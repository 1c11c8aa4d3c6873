package io.redmutex.testkit;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code redis-server} executable that the test kit runs, and its version.
 *
 * <p>{@link #find()} picks, in order:
 *
 * <ol>
 *   <li>the path in the system property {@value #PROPERTY}, or else in the environment variable
 *       {@value #ENV}: if either is set it must name a working {@code redis-server}; there is no
 *       silent fallback;
 *   <li>{@code redis-server} on the {@code PATH};
 *   <li>the Linux {@code redis-server} (6.2) shipped inside the embedded-redis jar, for amd64 and
 *       aarch64, extracted once per JVM to a temporary directory.
 * </ol>
 *
 * <p>The same executable runs Sentinel ({@code redis-server --sentinel}) and Redis Cluster nodes,
 * so {@link SentinelGroup} and {@link RedisClusterNodes} need no second lookup and work with the
 * embedded 6.2 too.
 *
 * <pre>{@code
 * RedisBinary redis = RedisBinary.find();
 * assumeTrue(redis.majorVersion() >= 7, "needs Redis 7, have " + redis);
 * }</pre>
 */
public final class RedisBinary {

  /** System property naming the {@code redis-server} to use; wins over {@value #ENV}. */
  public static final String PROPERTY = "redmutex.redis.server";

  /** Environment variable naming the {@code redis-server} to use. */
  public static final String ENV = "REDIS_SERVER";

  static final String SOURCE_PATH = "PATH";
  static final String SOURCE_EMBEDDED = "embedded-redis";

  private static final Logger LOG = LoggerFactory.getLogger(RedisBinary.class);
  private static final Pattern VERSION = Pattern.compile("\\bv=(\\d+(?:\\.\\d+)+)");

  private static RedisBinary found; // guarded by RedisBinary.class
  private static RedisBinary embedded; // guarded by RedisBinary.class

  private final Path path;
  private final String version;
  private final String source;

  private RedisBinary(Path path, String version, String source) {
    this.path = path;
    this.version = version;
    this.source = source;
  }

  /**
   * Returns the {@code redis-server} to use, found on the first call and cached for the JVM.
   *
   * @return the executable
   * @throws IllegalStateException if {@value #PROPERTY} or {@value #ENV} names something that is
   *     not a working {@code redis-server}, or if none is configured, none is on the {@code PATH}
   *     and embedded-redis has none for this platform
   */
  public static synchronized RedisBinary find() {
    if (found == null) {
      found = locate();
      LOG.info("Using {}", found);
    }
    return found;
  }

  /** {@return the executable} */
  public Path path() {
    return path;
  }

  /** {@return the version that {@code redis-server --version} reports, e.g. {@code "7.0.15"}} */
  public String version() {
    return version;
  }

  /** {@return the first component of {@link #version()}, e.g. {@code 7}} */
  public int majorVersion() {
    int dot = version.indexOf('.');
    return Integer.parseInt(dot < 0 ? version : version.substring(0, dot));
  }

  /**
   * {@return where this executable was found: {@value #ENV}, {@value #PROPERTY}, {@code "PATH"} or
   * {@code "embedded-redis"}}
   */
  public String source() {
    return source;
  }

  @Override
  public String toString() {
    return "redis-server " + version + " at " + path + " (from " + source + ")";
  }

  /** Looks the executable up again, ignoring the cache. */
  static RedisBinary locate() {
    String property = System.getProperty(PROPERTY);
    if (property != null && !property.isBlank()) {
      return at(Path.of(property.trim()), PROPERTY);
    }
    String env = System.getenv(ENV);
    if (env != null && !env.isBlank()) {
      return at(Path.of(env.trim()), ENV);
    }
    Optional<Path> onPath = searchPath("redis-server");
    if (onPath.isPresent()) {
      return at(onPath.get(), SOURCE_PATH);
    }
    if (embeddedResource().isEmpty()) {
      throw new IllegalStateException(
          "No redis-server found: neither -D"
              + PROPERTY
              + " nor $"
              + ENV
              + " is set, none is on the PATH ("
              + System.getenv("PATH")
              + "), and embedded-redis ships no Linux binary for os.name="
              + System.getProperty("os.name")
              + ", os.arch="
              + System.getProperty("os.arch")
              + ". Install Redis or set "
              + ENV
              + ".");
    }
    return embedded();
  }

  /**
   * The {@code redis-server} from the embedded-redis jar, extracted once per JVM.
   *
   * @throws IllegalStateException if there is none for this platform, or it does not run
   */
  static synchronized RedisBinary embedded() {
    if (embedded == null) {
      String resource =
          embeddedResource()
              .orElseThrow(
                  () ->
                      new IllegalStateException(
                          "embedded-redis ships no Linux redis-server for os.name="
                              + System.getProperty("os.name")
                              + ", os.arch="
                              + System.getProperty("os.arch")));
      embedded = at(extract(resource), SOURCE_EMBEDDED);
    }
    return embedded;
  }

  /**
   * Checks that {@code path} is an executable {@code redis-server} and reads its version.
   *
   * @throws IllegalStateException if it is not
   */
  static RedisBinary at(Path path, String source) {
    Objects.requireNonNull(path, "path");
    String origin = source.equals(SOURCE_PATH) ? path.toString() : source + "=" + path;
    if (!Files.isRegularFile(path)) {
      throw new IllegalStateException(origin + ": no such file");
    }
    if (!Files.isExecutable(path)) {
      throw new IllegalStateException(origin + ": not executable");
    }
    return new RedisBinary(path.toAbsolutePath(), probeVersion(path, origin), source);
  }

  private static String probeVersion(Path path, String origin) {
    Duration timeout = Timing.scaled(Duration.ofSeconds(10));
    Process process;
    try {
      process = new ProcessBuilder(path.toString(), "--version").redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new IllegalStateException(origin + ": cannot run '--version': " + e.getMessage(), e);
    }
    try {
      process.getOutputStream().close();
      // The version line is far smaller than a pipe buffer, so waiting before reading is safe.
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException(
            origin + ": '--version' did not finish within " + timeout.toMillis() + " ms");
      }
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      Matcher matcher = VERSION.matcher(output);
      if (process.exitValue() != 0 || !output.startsWith("Redis server") || !matcher.find()) {
        throw new IllegalStateException(
            origin
                + ": not a working redis-server; '--version' exited with "
                + process.exitValue()
                + " and printed: "
                + output.strip());
      }
      return matcher.group(1);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(origin + ": interrupted while reading its version", e);
    } catch (IOException e) {
      throw new IllegalStateException(origin + ": cannot read '--version' output", e);
    } finally {
      process.destroyForcibly();
    }
  }

  private static Optional<Path> searchPath(String name) {
    String pathVariable = System.getenv("PATH");
    if (pathVariable == null) {
      return Optional.empty();
    }
    for (String entry : pathVariable.split(File.pathSeparator)) {
      if (entry.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(entry, name);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  private static Optional<String> embeddedResource() {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    if (!os.contains("linux")) {
      return Optional.empty();
    }
    if (List.of("amd64", "x86_64").contains(arch)) {
      return Optional.of("redis-server-6.2.6-v5-linux-amd64");
    }
    if (List.of("aarch64", "arm64").contains(arch)) {
      return Optional.of("redis-server-6.2.7-linux-arm64");
    }
    return Optional.empty();
  }

  private static Path extract(String resource) {
    try (InputStream in = RedisBinary.class.getResourceAsStream("/" + resource)) {
      if (in == null) {
        throw new IllegalStateException(
            "Resource /"
                + resource
                + " not found: is the embedded-redis jar (com.github.codemonstur:embedded-redis)"
                + " on the class path?");
      }
      Path dir = Files.createTempDirectory("redmutex-redis-bin-");
      Path file = dir.resolve("redis-server");
      // deleteOnExit runs in reverse order of registration: the file goes before its directory.
      dir.toFile().deleteOnExit();
      file.toFile().deleteOnExit();
      Files.copy(in, file);
      if (!file.toFile().setExecutable(true)) {
        throw new IllegalStateException("Cannot make " + file + " executable");
      }
      return file;
    } catch (IOException e) {
      throw new IllegalStateException("Cannot extract embedded redis-server /" + resource, e);
    }
  }
}
