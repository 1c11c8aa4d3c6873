package io.redmutex.spring.test;

import static org.assertj.core.api.Assertions.assertThat;

import io.redmutex.Lease;
import io.redmutex.RedMutex;
import io.redmutex.testkit.RedisServer;
import java.time.Duration;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * A Boot test with one annotation gets a redmutex (and Spring Data Redis) on a test-kit server,
 * even though the application's own settings point elsewhere.
 */
@SpringBootTest(
    properties = {
      // What an application.properties of a real service might say: never used by this test.
      "redmutex.uri=redis://localhost:6379",
      "spring.data.redis.host=localhost",
      "spring.data.redis.port=6379"
    })
@AutoConfigureRedMutexServer
class AutoConfigureRedMutexServerTest {

  @SpringBootApplication
  static class App {}

  @Autowired RedMutex mutex;
  @Autowired RedisServer server;
  @Autowired StringRedisTemplate redis;

  @Test
  void redMutex_takesItsLocks_onTheTestServer() {
    assertThat(server.isRunning()).isTrue();
    assertThat(server.port()).isNotEqualTo(6379);
    try (Lease lease = mutex.acquire("test:orders:42", Duration.ofSeconds(1))) {
      assertThat(server.command("EXISTS", "test:orders:42")).isEqualTo("1");
    }
    assertThat(server.command("EXISTS", "test:orders:42")).isEqualTo("0");
  }

  @Test
  void springDataRedis_usesTheSameServer() {
    redis.opsForValue().set("test:plain", "v");
    assertThat(server.command("GET", "test:plain")).isEqualTo("v");
  }

  /** Nested tests inherit the annotation, and (same configuration) the context and server. */
  @Nested
  class Nested1 {
    @Autowired RedisServer nestedServer;

    @Test
    void sharesTheServer() {
      assertThat(nestedServer.port()).isEqualTo(server.port());
    }
  }
}
