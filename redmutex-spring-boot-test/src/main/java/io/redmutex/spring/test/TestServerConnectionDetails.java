package io.redmutex.spring.test;

import io.redmutex.testkit.RedisServer;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;

/**
 * The test server as Spring Data Redis's connection details, so that Boot's {@code
 * DataRedisAutoConfiguration} backs off its properties-based details and connects there. Loaded
 * only when Spring Data Redis is on the class path.
 */
final class TestServerConnectionDetails implements DataRedisConnectionDetails {
  private final RedisServer server;

  TestServerConnectionDetails(RedisServer server) {
    this.server = server;
  }

  @Override
  public String getPassword() {
    return server.password();
  }

  @Override
  public Standalone getStandalone() {
    return Standalone.of(server.host(), server.port());
  }
}
