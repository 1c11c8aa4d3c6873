package io.redmutex.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.redmutex.Lease;
import io.redmutex.RedMutex;
import io.redmutex.testkit.PrintRedisLogsOnFailure;
import io.redmutex.testkit.RedisServer;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The health indicator and the actuator endpoint, against a real redis-server. */
@ExtendWith(PrintRedisLogsOnFailure.class)
class ActuatorTest {
  private static RedisServer server;

  @BeforeAll
  static void startServer() {
    server = RedisServer.builder().password("h3alth").start();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  private ApplicationContextRunner runner() {
    return new ApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(
                RedMutexAutoConfiguration.class, RedMutexActuatorAutoConfiguration.class))
        .withPropertyValues(
            "redmutex.uri=" + server.uri(),
            "redmutex.health.timeout=1s",
            "management.endpoints.web.exposure.include=redmutex");
  }

  @Test
  void health_isUp_thenDownWhileRedisIsDead_thenUpAgain() {
    runner()
        .run(
            context -> {
              RedMutexHealthIndicator health = context.getBean(RedMutexHealthIndicator.class);
              Health up = health.health();
              assertThat(up.getStatus()).isEqualTo(Status.UP);
              assertThat(up.getDetails())
                  .containsEntry("probe", "taken and given back")
                  .containsKey("probeMillis")
                  .containsEntry("target", "redis://:***@127.0.0.1:" + server.port());
              assertThat(server.command("EXISTS", RedMutexHealthIndicator.PROBE_NAME))
                  .isEqualTo("0");

              server.kill();
              try {
                Health down = health.health();
                assertThat(down.getStatus()).isEqualTo(Status.DOWN);
                assertThat(down.getDetails()).containsKey("error");
              } finally {
                server.restart();
              }
              await()
                  .atMost(Duration.ofSeconds(30))
                  .until(() -> health.health().getStatus().equals(Status.UP));
            });
  }

  @Test
  void endpoint_listsLocksByPattern_andShowsOne() {
    runner()
        .run(
            context -> {
              RedMutexEndpoint endpoint = context.getBean(RedMutexEndpoint.class);
              RedMutex mutex = context.getBean(RedMutex.class);
              try (Lease a = mutex.acquire("ep:orders:1", Duration.ofSeconds(5));
                  Lease b = mutex.acquire("ep:orders/2", Duration.ofSeconds(5));
                  Lease c = mutex.acquire("ep:jobs:1", Duration.ofSeconds(5))) {
                RedMutexEndpoint.Locks orders = endpoint.locks("ep:orders*");
                assertThat(orders.locks())
                    .extracting(RedMutexEndpoint.LockView::name)
                    .containsExactlyInAnyOrder("ep:orders:1", "ep:orders/2");

                RedMutexEndpoint.LockView one = endpoint.lock(new String[] {"ep:orders", "2"});
                assertThat(one.held()).isTrue();
                assertThat(one.fencingToken()).isEqualTo(b.fencingToken());
                assertThat(one.holder()).startsWith("redmutex on ");
                assertThat(one.remainingMillis()).isPositive();
                assertThat(one.since()).isNotNull();
              }
              RedMutexEndpoint.LockView free = endpoint.lock(new String[] {"ep:orders:1"});
              assertThat(free.held()).isFalse();
              assertThat(free.holder()).isNull();
            });
  }

  @Test
  void breakingALock_isRefused_unlessEnabled() {
    runner()
        .run(
            context -> {
              RedMutexEndpoint endpoint = context.getBean(RedMutexEndpoint.class);
              try (Lease held =
                  context.getBean(RedMutex.class).acquire("ep:stuck", Duration.ofSeconds(5))) {
                WebEndpointResponse<Map<String, Object>> refused =
                    endpoint.breakLock(new String[] {"ep:stuck"});
                assertThat(refused.getStatus()).isEqualTo(403);
                assertThat(refused.getBody().get("error").toString())
                    .contains("redmutex.endpoint.break-enabled=true");
                assertThat(server.command("EXISTS", "ep:stuck")).isEqualTo("1");
              }
            });
  }

  @Test
  void breakingALock_whenEnabled_deletesItWhateverItsHolder() {
    runner()
        .withPropertyValues("redmutex.endpoint.break-enabled=true")
        .run(
            context -> {
              RedMutexEndpoint endpoint = context.getBean(RedMutexEndpoint.class);
              try (RedMutex other =
                  RedMutex.builder().uri(server.uri()).leaseTime(Duration.ofSeconds(1)).build()) {
                Lease stuck = other.acquire("ep:stuck2", Duration.ofSeconds(5));
                WebEndpointResponse<Map<String, Object>> broken =
                    endpoint.breakLock(new String[] {"ep:stuck2"});
                assertThat(broken.getStatus()).isEqualTo(200);
                assertThat(broken.getBody()).containsEntry("broken", true);
                assertThat(server.command("EXISTS", "ep:stuck2")).isEqualTo("0");
                assertThat(endpoint.breakLock(new String[] {"ep:stuck2"}).getStatus())
                    .isEqualTo(404);
                await().atMost(Duration.ofSeconds(60)).until(() -> !stuck.isHeld());
              }
            });
  }

  @Test
  void withoutExposure_thereIsNoEndpointBean() {
    new ApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(
                RedMutexAutoConfiguration.class, RedMutexActuatorAutoConfiguration.class))
        .withPropertyValues("redmutex.uri=" + server.uri())
        .run(context -> assertThat(context).doesNotHaveBean(RedMutexEndpoint.class));
  }
}
