package io.redmutex.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.redmutex.Lease;
import io.redmutex.LockLostException;
import io.redmutex.RedMutex;
import io.redmutex.testkit.PrintRedisLogsOnFailure;
import io.redmutex.testkit.RedisServer;
import io.redmutex.testkit.Timing;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Wire protocol v2 against the real thing: redis-py's {@code Lock} (Python, driven through {@code
 * interop/pylock.py}) and redmutex on one Redis, locking the same names, both ways round.
 *
 * <p>Needs a Python that can {@code import redis}: {@code REDMUTEX_PYTHON} (system property or
 * environment variable), then {@code /usr/bin/python3} (Debian's {@code python3-redis}), then
 * {@code python3}. Without one the tests are skipped, or fail when {@code CI} is set.
 */
@ExtendWith(PrintRedisLogsOnFailure.class)
class RedisPyInteropTest {

  private static final String NAME = "orders:42";
  private static final String PASSWORD = "interop-s3cret";
  private static final Pattern TOKEN = Pattern.compile("([A-Za-z0-9_-]{22}|[0-9a-f]{32}) \\d+ .+");
  private static final Pattern PY_TOKEN = Pattern.compile("\"token\": \"([^\"]*)\"");
  private static final Pattern PY_PTTL = Pattern.compile("\"pttl\": (-?\\d+)");

  private static String python;
  private static Path script;
  private static RedisServer server;

  private final List<InteropProcess> pythons = new ArrayList<>();

  @BeforeAll
  static void startRedisAndFindPython() throws IOException {
    python = findPythonWithRedis();
    script = Files.createTempFile("pylock", ".py");
    try (InputStream in = RedisPyInteropTest.class.getResourceAsStream("/interop/pylock.py")) {
      assertThat(in).as("test resource /interop/pylock.py").isNotNull();
      Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
    }
    server = RedisServer.builder().password(PASSWORD).start();
  }

  @AfterAll
  static void stopRedis() throws IOException {
    if (server != null) {
      server.close();
    }
    if (script != null) {
      Files.deleteIfExists(script);
    }
  }

  @BeforeEach
  void emptyRedis() {
    server.command("FLUSHALL");
  }

  @AfterEach
  void stopPythons() {
    pythons.forEach(InteropProcess::close);
  }

  @Test
  void acquire_whenPythonHolds_waitsForItsRelease() throws Exception {
    InteropProcess py = python("hold", NAME, 30);
    String pyToken = token(py.expect("ACQUIRED"));

    try (RedMutex mutex = RedMutex.builder().uri(server.uri()).build()) {
      assertThat(mutex.tryAcquire(NAME)).isEmpty();
      assertThat(server.command("GET", NAME)).isEqualTo(pyToken);

      ExecutorService executor = Executors.newSingleThreadExecutor();
      try {
        // redis-py announces no release: the waiter finds out by its fallback poll (<= 1 s).
        CompletableFuture<Lease> waiting =
            CompletableFuture.supplyAsync(
                () -> mutex.acquire(NAME, Timing.scaled(Duration.ofSeconds(30))), executor);
        await()
            .atMost(Timing.scaled(Duration.ofSeconds(10)))
            .until(() -> server.command("PUBSUB", "NUMSUB", "{" + NAME + "}:wake").endsWith(" 1]"));
        assertThat(waiting).isNotDone();

        py.release();
        assertThat(py.next()).isEqualTo("RELEASED");

        try (Lease lease =
            waiting.get(Timing.scaled(Duration.ofSeconds(15)).toMillis(), TimeUnit.MILLISECONDS)) {
          assertThat(lease.isHeld()).isTrue();
          assertThat(lease.name()).isEqualTo(NAME);
          assertThat(server.command("GET", NAME)).isNotEqualTo(pyToken).matches(TOKEN);
        }
      } finally {
        executor.shutdownNow();
      }
    }
    assertThat(server.command("EXISTS", NAME)).isEqualTo("0");
  }

  @Test
  void pythonAcquire_whenJavaHolds_failsUntilJavaReleases() {
    try (RedMutex mutex = RedMutex.builder().uri(server.uri()).build()) {
      Lease first = mutex.acquire(NAME, Duration.ZERO);

      InteropProcess busy = python("try", NAME, 30);
      assertThat(busy.next()).isEqualTo("BUSY");
      assertThat(busy.exitCode()).isZero();
      assertThat(first.isHeld()).isTrue();

      first.release();
      InteropProcess free = python("try", NAME, 30);
      free.expect("ACQUIRED");
      assertThat(free.next()).isEqualTo("RELEASED");
      assertThat(free.exitCode()).isZero();

      // Python's turn in between does not set redmutex's fencing back.
      try (Lease second = mutex.acquire(NAME, Duration.ZERO)) {
        assertThat(second.fencingToken()).isGreaterThan(first.fencingToken());
      }
    }
  }

  @Test
  void pythonBlockingAcquire_whenJavaReleases_succeeds() {
    try (RedMutex mutex = RedMutex.builder().uri(server.uri()).build()) {
      Lease lease = mutex.acquire(NAME, Duration.ZERO);

      InteropProcess py =
          python("wait", NAME, 30, "--blocking-timeout", seconds(InteropProcess.LINE_TIMEOUT));
      assertThat(py.next()).isEqualTo("WAITING"); // its first, non-blocking, attempt failed
      lease.release();

      String pyToken = token(py.expect("ACQUIRED"));
      assertThat(server.command("GET", NAME)).isEqualTo(pyToken);
      assertThat(mutex.tryAcquire(NAME)).isEmpty();
      py.release();
      assertThat(py.next()).isEqualTo("RELEASED");
    }
  }

  @Test
  void lockKey_withDefaultPrefix_isThePlainNameHoldingAnOpaqueTokenWithTheLeaseTime() {
    long leaseMillis = 10_000;
    List<String> tokens = new ArrayList<>();
    try (RedMutex mutex =
        RedMutex.builder().uri(server.uri()).leaseTime(Duration.ofMillis(leaseMillis)).build()) {
      for (int i = 0; i < 2; i++) {
        try (Lease lease = mutex.acquire(NAME, Duration.ZERO)) {
          assertThat(lease.isHeld()).isTrue();
          assertThat(server.command("TYPE", NAME)).isEqualTo("string");
          String token = server.command("GET", NAME);
          assertThat(token).matches(TOKEN);
          tokens.add(token);
          assertThat(Long.parseLong(server.command("PTTL", NAME)))
              .isLessThanOrEqualTo(leaseMillis)
              .isGreaterThan(leaseMillis - Timing.scaledMillis(1_000));

          // The only keys outside the lock key's {slot} are the lock key and the fence record
          // shared by all locks (wire protocol v2: no TTL, one per server or cluster slot); every
          // other key has a TTL.
          Set<String> keys = keys();
          assertThat(keys).contains(NAME, "redmutex:fence");
          keys.remove("redmutex:fence");
          assertThat(keys)
              .filteredOn(key -> !key.equals(NAME))
              .allMatch(key -> key.startsWith("{" + NAME + "}:"), "side keys in {" + NAME + "}");
          for (String key : keys) {
            assertThat(Long.parseLong(server.command("PTTL", key))).as("PTTL " + key).isPositive();
          }

          InteropProcess py = python("try", NAME, 30);
          assertThat(py.next()).isEqualTo("BUSY");
        }
        assertThat(server.command("EXISTS", NAME)).isEqualTo("0");
      }
    }
    assertThat(tokens.get(1)).as("tokens are unique per acquisition").isNotEqualTo(tokens.get(0));
  }

  @Test
  void lockKey_withKeyPrefix_isPrefixPlusName() {
    try (RedMutex mutex = RedMutex.builder().uri(server.uri()).keyPrefix("billing:").build();
        Lease lease = mutex.acquire(NAME, Duration.ZERO)) {
      assertThat(server.command("GET", "billing:" + NAME)).matches(TOKEN);
      assertThat(server.command("EXISTS", NAME)).isEqualTo("0");

      InteropProcess samePrefixed = python("try", "billing:" + NAME, 30);
      assertThat(samePrefixed.next()).isEqualTo("BUSY");
      InteropProcess plain = python("try", NAME, 30);
      plain.expect("ACQUIRED");
      assertThat(plain.next()).isEqualTo("RELEASED");
      assertThat(lease.isHeld()).isTrue();
    }
  }

  @Test
  void acquire_afterPythonLockExpires_succeeds_andPythonsLateReleaseKeepsJavasKey() {
    InteropProcess py = python("hold", NAME, 1); // redis-py: PX 1000, no renewal
    String pyToken = token(py.expect("ACQUIRED"));

    try (RedMutex mutex = RedMutex.builder().uri(server.uri()).build()) {
      Lease lease = mutex.acquire(NAME, Timing.scaled(Duration.ofSeconds(10)));
      String javaToken = server.command("GET", NAME);
      assertThat(javaToken).isNotEqualTo(pyToken).matches(TOKEN);

      py.release();
      assertThat(py.next()).isEqualTo("NOT_OWNED"); // redis-py raised LockNotOwnedError
      assertThat(py.exitCode()).isZero();

      assertThat(server.command("GET", NAME)).isEqualTo(javaToken);
      assertThat(lease.isHeld()).isTrue();
      lease.release();
      assertThat(server.command("EXISTS", NAME)).isEqualTo("0");
    }
  }

  @Test
  void release_afterJavaLeaseWasBrokenAndPythonTookIt_keepsPythonsKey() {
    try (RedMutex mutex = RedMutex.builder().uri(server.uri()).build()) {
      Lease lease = mutex.acquire(NAME, Duration.ZERO);
      assertThat(server.command("DEL", NAME)).isEqualTo("1"); // an operator breaks the lock

      InteropProcess py = python("hold", NAME, 30);
      String pyToken = token(py.expect("ACQUIRED"));

      assertThatThrownBy(lease::release).isInstanceOf(LockLostException.class);
      assertThat(lease.isHeld()).isFalse();
      assertThat(server.command("GET", NAME)).isEqualTo(pyToken);

      py.release();
      assertThat(py.next()).isEqualTo("RELEASED");
    }
  }

  // ---- Python side ----

  private InteropProcess python(
      String action, String name, double timeoutSeconds, String... extra) {
    List<String> command = new ArrayList<>();
    command.addAll(
        List.of(
            python,
            "-u",
            script.toString(),
            "--port",
            Integer.toString(server.port()),
            "--password",
            PASSWORD,
            "--name",
            name,
            "--timeout",
            Double.toString(timeoutSeconds)));
    command.addAll(Arrays.asList(extra));
    command.add(action);
    InteropProcess py = new InteropProcess(command, Map.of(), PASSWORD);
    pythons.add(py);
    return py;
  }

  private static String seconds(Duration duration) {
    return Double.toString(Timing.scaled(duration).toMillis() / 1000.0);
  }

  private static String token(String acquiredJson) {
    Matcher matcher = PY_TOKEN.matcher(acquiredJson);
    assertThat(matcher.find()).as("token in " + acquiredJson).isTrue();
    Matcher pttl = PY_PTTL.matcher(acquiredJson);
    assertThat(pttl.find()).as("pttl in " + acquiredJson).isTrue();
    assertThat(Long.parseLong(pttl.group(1))).as("redis-py's PX").isPositive();
    return matcher.group(1);
  }

  private static Set<String> keys() {
    String rendered = server.command("KEYS", "*"); // "[a, b]"; our keys hold no ", "
    String inner = rendered.substring(1, rendered.length() - 1);
    return inner.isEmpty() ? Set.of() : new LinkedHashSet<>(Arrays.asList(inner.split(", ")));
  }

  // ---- finding Python ----

  private static String findPythonWithRedis() {
    List<String> candidates = new ArrayList<>();
    String configured = System.getProperty("REDMUTEX_PYTHON");
    if (configured == null || configured.isBlank()) {
      configured = System.getenv("REDMUTEX_PYTHON");
    }
    if (configured != null && !configured.isBlank()) {
      candidates.add(configured);
    }
    candidates.add("/usr/bin/python3");
    candidates.add("python3");

    List<String> tried = new ArrayList<>();
    for (String candidate : candidates) {
      Optional<String> problem = importRedis(candidate);
      if (problem.isEmpty()) {
        return candidate;
      }
      tried.add(candidate + ": " + problem.get());
    }
    String message =
        "No Python that can 'import redis' for the redis-py interop tests; install python3-redis"
            + " (apt-get install python3-redis, or pip install redis) or point REDMUTEX_PYTHON at a"
            + " python that has it. Tried: "
            + String.join("; ", tried);
    return Toolchains.missing(message);
  }

  /** Empty if {@code python -c "import redis"} succeeds, else why not. */
  private static Optional<String> importRedis(String python) {
    try {
      Process process =
          new ProcessBuilder(python, "-c", "import redis").redirectErrorStream(true).start();
      process.getOutputStream().close();
      byte[] output = process.getInputStream().readAllBytes();
      if (!process.waitFor(Timing.scaledMillis(30_000), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        return Optional.of("timed out");
      }
      if (process.exitValue() == 0) {
        return Optional.empty();
      }
      String text = new String(output, StandardCharsets.UTF_8).strip();
      String[] lines = text.split("\n");
      return Optional.of("exit " + process.exitValue() + ", " + lines[lines.length - 1]);
    } catch (IOException e) {
      return Optional.of(e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.of("interrupted");
    }
  }
}
