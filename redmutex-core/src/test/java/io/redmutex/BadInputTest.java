package io.redmutex;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.redmutex.testkit.PrintRedisLogsOnFailure;
import io.redmutex.testkit.RedisServer;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Every bad input fails fast, with a message that says what is wrong. */
@ExtendWith(PrintRedisLogsOnFailure.class)
class BadInputTest {
  private static RedisServer redis;
  private static RedisServer secured;
  private static RedMutex mutex;

  @BeforeAll
  static void start() {
    redis = RedisServer.start();
    secured = RedisServer.builder().password("s3cret").start();
    mutex = RedMutex.connect(redis.uri());
  }

  @AfterAll
  static void stop() {
    mutex.close();
    redis.close();
    secured.close();
  }

  @Test
  void names_nullEmptyOrOversize_areRejected() {
    assertThatThrownBy(() -> mutex.acquire(null, Duration.ZERO))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("name");
    assertThatThrownBy(() -> mutex.tryAcquire(""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("empty");
    String big = "x".repeat(RedMutex.MAX_NAME_BYTES + 1);
    assertThatThrownBy(() -> mutex.acquireAsync(big, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1024 bytes");
    assertThatThrownBy(() -> mutex.lock("é".repeat(600)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1200 bytes");
    assertThat(mutex.tryAcquire("x".repeat(RedMutex.MAX_NAME_BYTES)))
        .isPresent()
        .get()
        .satisfies(Lease::release);
  }

  @Test
  void names_withClosingBraceButNoHashTag_areRejected() {
    assertThatThrownBy(() -> mutex.tryAcquire("a}b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("hash tag");
  }

  @Test
  void waits_negativeNullOrAbsurd_areRejected() {
    assertThatThrownBy(() -> mutex.acquire("w", Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("waitTimeout")
        .hasMessageContaining("-1ms");
    assertThatThrownBy(() -> mutex.acquire("w", Duration.ofSeconds(Long.MAX_VALUE)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("waitTimeout");
    assertThatThrownBy(() -> mutex.acquireAsync("w", null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("waitTimeout");
  }

  @Test
  void leaseTimes_zeroNegativeOrAbsurd_areRejected() {
    for (Duration bad :
        new Duration[] {
          Duration.ZERO, Duration.ofSeconds(-1), Duration.ofMillis(99), Duration.ofDays(31)
        }) {
      assertThatThrownBy(() -> RedMutex.builder().uri(redis.uri()).leaseTime(bad).build())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("leaseTime");
    }
    Lease lease = mutex.acquire("l", Duration.ZERO);
    assertThatThrownBy(() -> lease.extend(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("leaseTime");
    lease.release();
  }

  @Test
  void replicaTimeout_notShorterThanTheCommandTimeout_isRejected() {
    // A WAIT that may outlast the command timeout would be reported as Redis not answering, never
    // as too few replicas (seen: a 6 s WAIT against the default 5 s command timeout).
    for (Duration replicaTimeout : new Duration[] {Duration.ofSeconds(5), Duration.ofSeconds(6)}) {
      assertThatThrownBy(
              () -> RedMutex.builder().uri(redis.uri()).waitForReplicas(1, replicaTimeout).build())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("waitForReplicas timeout")
          .hasMessageContaining("commandTimeout (5s)");
    }
    assertThatThrownBy(
            () ->
                RedMutex.builder()
                    .uri(redis.uri())
                    .commandTimeout(Duration.ofSeconds(2))
                    .waitForReplicas(1, Duration.ofSeconds(3))
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("commandTimeout (2s)");
    RedMutex.builder()
        .uri(redis.uri())
        .commandTimeout(Duration.ofSeconds(10))
        .waitForReplicas(1, Duration.ofSeconds(6))
        .build()
        .close();
  }

  @Test
  void builder_optionSetTwice_orMissingUri_isAnIllegalState() {
    assertThatThrownBy(
            () ->
                RedMutex.builder()
                    .leaseTime(Duration.ofSeconds(1))
                    .leaseTime(Duration.ofSeconds(2)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("leaseTime");
    assertThatThrownBy(() -> RedMutex.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("uri");
    assertThatThrownBy(() -> RedMutex.builder().uri(redis.uri()).clientName("has space").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("clientName");
  }

  @Test
  void uris_unknownSchemeOrMalformed_areRejected_withoutPrintingPasswords() {
    assertThatThrownBy(() -> RedMutex.connect("http://localhost:6379"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown Redis URI scheme 'http'");
    assertThatThrownBy(() -> RedMutex.connect("localhost:6379"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("redis://");
    assertThatThrownBy(() -> RedMutex.connect("memcached://hunter2@localhost"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("hunter2");
    assertThatThrownBy(() -> RedMutex.connect("")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void wrongPassword_saysAuthenticationFailed() {
    String wrong = "redis://wrong@127.0.0.1:" + secured.port();
    assertThatThrownBy(() -> RedMutex.connect(wrong))
        .isInstanceOf(RedisUnavailableException.class)
        .hasMessageContaining("authentication failed")
        .hasMessageContaining("127.0.0.1:" + secured.port())
        .hasMessageNotContaining("wrong@");
    String none = "redis://127.0.0.1:" + secured.port();
    assertThatThrownBy(() -> RedMutex.connect(none))
        .isInstanceOf(RedisUnavailableException.class)
        .hasMessageContaining("authentication failed");
  }

  @Test
  void rightPassword_andAclUser_work() {
    try (RedMutex ok = RedMutex.connect(secured.uri())) {
      ok.acquire("p", Duration.ZERO).release();
    }
    secured.command("ACL", "SETUSER", "locker", "on", ">pw", "~*", "&*", "+@all");
    try (RedMutex acl = RedMutex.connect("redis://locker:pw@127.0.0.1:" + secured.port())) {
      acl.acquire("p", Duration.ZERO).release();
    }
  }

  @Test
  void redisDown_atConnect_failsFast_withCause() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    long start = System.nanoTime();
    String uri = "redis://127.0.0.1:" + port;
    assertThatThrownBy(() -> RedMutex.connect(uri))
        .isInstanceOf(RedisUnavailableException.class)
        .hasMessageContaining("cannot connect")
        .hasMessageContaining("127.0.0.1:" + port);
    assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(30));
  }

  @Test
  void useAfterClose_isAnIllegalState() {
    RedMutex closed = RedMutex.connect(redis.uri());
    closed.close();
    closed.close(); // idempotent
    assertThatThrownBy(() -> closed.acquire("c", Duration.ZERO))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
    assertThatThrownBy(() -> closed.lock("c")).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void close_givesBackHeldLeases() {
    RedMutex closing = RedMutex.connect(redis.uri());
    Lease lease = closing.acquire("given-back", Duration.ZERO);
    closing.close();
    assertThat(lease.isHeld()).isFalse();
    assertThat(redis.command("EXISTS", "given-back")).isEqualTo("0");
  }
}
