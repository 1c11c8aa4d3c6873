package io.redmutex.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.redmutex.Lease;
import io.redmutex.RedMutex;
import io.redmutex.dashboard.ClientLockStats;
import io.redmutex.dashboard.Dashboard;
import io.redmutex.testkit.PrintRedisLogsOnFailure;
import io.redmutex.testkit.RedisServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The dashboard endpoint exists only when exposed, and breaks nothing unless allowed. */
@ExtendWith(PrintRedisLogsOnFailure.class)
class DashboardEndpointTest {
  private static RedisServer server;

  @BeforeAll
  static void startServer() {
    server = RedisServer.start();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  private ApplicationContextRunner runner() {
    return new ApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(
                RedMutexAutoConfiguration.class, RedMutexDashboardAutoConfiguration.class))
        .withPropertyValues("redmutex.uri=" + server.uri());
  }

  @Test
  void notExposed_nothingOfItExists() {
    runner()
        .withPropertyValues("management.endpoints.web.exposure.include=health,redmutex")
        .run(
            context -> {
              assertThat(context).hasSingleBean(RedMutex.class);
              assertThat(context).doesNotHaveBean(RedMutexDashboardEndpoint.class);
              assertThat(context).doesNotHaveBean(Dashboard.class);
              assertThat(context).doesNotHaveBean(ClientLockStats.class);
            });
  }

  @Test
  void exposed_breakingIsOffByDefault() {
    runner()
        .withPropertyValues("management.endpoints.web.exposure.include=redmutexdashboard")
        .run(
            context -> {
              RedMutexDashboardEndpoint endpoint = context.getBean(RedMutexDashboardEndpoint.class);
              assertThat(endpoint.page()).contains("<title>redmutex dashboard</title>");
              RedMutex mutex = context.getBean(RedMutex.class);
              try (Lease lease = mutex.acquire("kept", Duration.ZERO)) {
                WebEndpointResponse<String> refused =
                    endpoint.breakLock("break", "kept", lease.fencingToken());
                assertThat(refused.getStatus()).isEqualTo(403);
                assertThat(refused.getBody()).contains("redmutex.dashboard.allow-break=true");
                assertThat(lease.isHeld()).isTrue();
                assertThat(endpoint.data("snapshot").getBody()).contains("\"name\":\"kept\"");
                assertThat(endpoint.data("other").getStatus()).isEqualTo(404);
              }
            });
  }
}
