package io.redmutex.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.redmutex.Lease;
import io.redmutex.RedMutex;
import io.redmutex.testkit.RedisServer;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A whole Spring Boot application, with every auto-configuration on the test class path (Spring
 * Data Redis, Micrometer, actuator, JDBC): the starter is found through its imports file, connects
 * from {@code spring.data.redis.*}, and its meters land in Boot's registry.
 */
@SpringBootTest(
    classes = SpringBootApplicationTest.App.class,
    properties = {
      "spring.application.name=boot-app",
      "management.endpoints.web.exposure.include=*"
    })
class SpringBootApplicationTest {
  private static final RedisServer server = RedisServer.builder().password("b00t").start();

  @DynamicPropertySource
  static void redis(DynamicPropertyRegistry registry) {
    registry.add("spring.data.redis.host", server::host);
    registry.add("spring.data.redis.port", server::port);
    registry.add("spring.data.redis.password", server::password);
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  /** No component scan: this package holds other tests' configurations. */
  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class App {
    @Bean
    Reports reports() {
      return new Reports();
    }
  }

  /** A scheduled-job-like bean. */
  static class Reports {
    @Locked(name = "reports:nightly", onBusy = Locked.OnBusy.SKIP)
    public Optional<Long> nightly() {
      return Optional.of(Locks.currentLease().fencingToken());
    }
  }

  @Autowired Reports reports;
  @Autowired RedMutex mutex;
  @Autowired MeterRegistry meters;
  @Autowired RedMutexHealthIndicator health;
  @Autowired RedMutexEndpoint endpoint;

  @Test
  void theStarter_wiresClientAdviceMetersHealthAndEndpoint_inABootApplication() {
    assertThat(reports.nightly()).isPresent();
    // The acquired event may arrive just after the call returned.
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(
                        meters.get("redmutex.acquire").tag("outcome", "acquired").timer().count())
                    .isEqualTo(1));
    assertThat(health.health().getStatus().getCode()).isEqualTo("UP");
    try (Lease held = mutex.acquire("reports:nightly", java.time.Duration.ZERO)) {
      // The endpoint shows the holder's fencing token (a free lock's is 0: wire protocol v2 keeps
      // nothing per name once it is released).
      assertThat(endpoint.lock(new String[] {"reports:nightly"}).fencingToken())
          .isEqualTo(held.fencingToken());
    }
    assertThat(server.command("CLIENT", "LIST")).contains("name=boot-app");
  }
}
