package io.redmutex.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PrintRedisLogsOnFailure.class)
class FaultTest {

  private RedisServer server;

  @BeforeEach
  void start() {
    server = RedisServer.start();
  }

  @AfterEach
  void close() {
    server.close();
  }

  @Test
  void kill_leavesTheServerDown() {
    new Fault.Kill().applyTo(server);

    assertThat(server.isRunning()).isFalse();
  }

  @Test
  void restart_bringsItBackWithANewProcess() {
    long pid = server.pid();

    new Fault.Restart().applyTo(server);

    assertThat(server.pid()).isNotEqualTo(pid);
    assertThat(server.command("PING")).isEqualTo("PONG");
  }

  @Test
  void pause_freezesTheServerThenResumesItByItself() throws InterruptedException {
    RedisClient client = RedisClient.create();
    try {
      RedisURI uri = server.redisUri();
      uri.setTimeout(Duration.ofMillis(100));
      try (StatefulRedisConnection<String, String> connection = client.connect(uri)) {
        new Fault.Pause(Duration.ofMillis(500)).applyTo(server);

        assertThatThrownBy(() -> connection.sync().ping())
            .isInstanceOf(RedisCommandTimeoutException.class);
        Eventually.await(
            "the paused server to answer again",
            Duration.ofSeconds(5),
            () -> {
              try {
                return "PONG".equals(connection.sync().ping());
              } catch (RedisCommandTimeoutException e) {
                return false;
              }
            });
      }
    } finally {
      client.shutdown();
    }
  }

  @Test
  void pause_rejectsANegativeDuration() {
    assertThatThrownBy(() -> new Fault.Pause(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void partition_cutsTheProxyThenHealsItByItself() {
    RedisClient client = RedisClient.create();
    try (TcpProxy proxy = TcpProxy.start(server)) {
      RedisURI uri = proxy.redisUri();
      uri.setTimeout(Duration.ofMillis(100));
      try (StatefulRedisConnection<String, String> connection = client.connect(uri)) {
        new Fault.Partition(proxy, Duration.ofMillis(500)).applyTo(server);

        assertThat(proxy.isPartitioned()).isTrue();
        assertThatThrownBy(() -> connection.sync().ping())
            .isInstanceOf(RedisCommandTimeoutException.class);
        await()
            .atMost(Timing.scaled(Duration.ofSeconds(5)))
            .ignoreException(RedisCommandTimeoutException.class)
            .until(() -> "PONG".equals(connection.sync().ping()));
        assertThat(proxy.isPartitioned()).isFalse();
      }
    } finally {
      client.shutdown();
    }
  }

  @Test
  void partition_withReset_dropsTheConnectionsAtOnce() {
    try (TcpProxy proxy = TcpProxy.start(server)) {
      new Fault.Partition(proxy, Duration.ofSeconds(30), TcpProxy.Mode.RESET).applyTo(server);

      assertThat(proxy.isPartitioned()).isTrue();
      assertThatThrownBy(
              () -> new java.net.Socket(proxy.host(), proxy.port()).getInputStream().read())
          .isInstanceOf(java.io.IOException.class);
    }
  }

  @Test
  void partition_throughAProxyToAnotherServer_isRejected() {
    try (RedisServer other = RedisServer.start();
        TcpProxy proxy = TcpProxy.start(other)) {
      Fault partition = new Fault.Partition(proxy, Duration.ofSeconds(1));

      assertThatThrownBy(() -> partition.applyTo(server))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("does not lead to");
      assertThat(proxy.isPartitioned()).isFalse();
    }
  }

  @Test
  void partition_rejectsANegativeDuration() {
    try (TcpProxy proxy = TcpProxy.start(server)) {
      assertThatThrownBy(() -> new Fault.Partition(proxy, Duration.ofMillis(-1)))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }
}
