package io.redmutex.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PrintRedisLogsOnFailure.class)
class RedisServerTest {

  private static RedisClient client;

  @BeforeAll
  static void createClient() {
    client = RedisClient.create();
    client.setOptions(ClientOptions.builder().autoReconnect(false).build());
  }

  @AfterAll
  static void shutdownClient() {
    client.shutdown();
  }

  @Test
  void start_answersPing_andCloseLeavesNoProcessNorDirectory() {
    RedisServer server = RedisServer.start();
    long pid = server.pid();
    Path dir = server.directory();

    assertThat(server.host()).isEqualTo("127.0.0.1");
    assertThat(server.uri()).isEqualTo("redis://127.0.0.1:" + server.port());
    assertThat(server.password()).isNull();
    assertThat(server.isRunning()).isTrue();
    assertThat(server.command("PING")).isEqualTo("PONG");
    try (StatefulRedisConnection<String, String> connection = client.connect(server.redisUri())) {
      assertThat(connection.sync().ping()).isEqualTo("PONG");
    }
    assertThat(server.log()).contains("Ready to accept connections");

    server.close();
    server.close(); // idempotent

    assertThat(server.isRunning()).isFalse();
    assertThat(Eventually.isGone(pid)).isTrue();
    assertThat(dir).doesNotExist();
    assertThat(LiveServers.snapshot()).doesNotContain(server);
    assertThatThrownBy(() -> server.command("PING"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void stop_isGraceful_andRestartStartsItAgain() {
    try (RedisServer server = RedisServer.start()) {
      server.stop();

      assertThat(server.isRunning()).isFalse();
      assertThat(server.log()).contains("ready to exit");

      server.restart();
      assertThat(server.command("PING")).isEqualTo("PONG");
    }
  }

  @Test
  void password_isRequired_andUriCarriesItEncoded() throws IOException {
    String password = "s3 cr:et@/%é";
    try (RedisServer server = RedisServer.builder().password(password).start()) {
      RedisURI anonymous = RedisURI.create("redis://127.0.0.1:" + server.port());
      Throwable unauthenticated =
          catchThrowable(
              () -> {
                try (StatefulRedisConnection<String, String> connection =
                    client.connect(anonymous)) {
                  connection.sync().ping();
                }
              });
      assertThat(unauthenticated).isInstanceOf(RedisException.class);
      // What Lettuce reports depends on how far its handshake got ("NOAUTH", or "handshake handler
      // not registered" on a loaded machine); the server's own answer does not.
      assertThat(inlineCommandReply(server.port(), "PING")).startsWith("-NOAUTH");

      assertThat(server.password()).isEqualTo(password);
      assertThat(server.uri())
          .isEqualTo("redis://:s3%20cr%3Aet%40%2F%25%C3%A9@127.0.0.1:" + server.port());
      try (StatefulRedisConnection<String, String> connection = client.connect(server.redisUri())) {
        assertThat(connection.sync().ping()).isEqualTo("PONG");
      }
      try (StatefulRedisConnection<String, String> connection =
          client.connect(RedisURI.create(server.uri()))) {
        assertThat(connection.sync().ping()).isEqualTo("PONG");
      }
      assertThat(server.command("PING")).isEqualTo("PONG");
    }
  }

  @Test
  void kill_makesItUnreachable_andRestartBringsItBackEmptyOnTheSamePort() {
    try (RedisServer server = RedisServer.start()) {
      int port = server.port();
      long pid = server.pid();
      try (StatefulRedisConnection<String, String> connection = client.connect(server.redisUri())) {
        connection.sync().set("key", "value");
      }

      server.kill();

      assertThat(server.isRunning()).isFalse();
      assertThat(Eventually.isGone(pid)).isTrue();
      assertThatThrownBy(() -> client.connect(server.redisUri()).close())
          .isInstanceOf(RedisConnectionException.class);

      server.restart();

      assertThat(server.port()).isEqualTo(port);
      assertThat(server.pid()).isNotEqualTo(pid);
      try (StatefulRedisConnection<String, String> connection = client.connect(server.redisUri())) {
        assertThat(connection.sync().get("key")).isNull();
        assertThat(connection.sync().dbsize()).isZero();
      }
    }
  }

  @Test
  void pause_makesCommandsTimeOut_andResumeMakesThemAnswer() {
    try (RedisServer server = RedisServer.start()) {
      RedisURI uri = server.redisUri();
      uri.setTimeout(Duration.ofMillis(200));
      try (StatefulRedisConnection<String, String> connection = client.connect(uri)) {
        server.pause();

        assertThat(server.isRunning()).isTrue();
        assertThatThrownBy(() -> connection.sync().ping())
            .isInstanceOf(RedisCommandTimeoutException.class);

        server.resume();

        uri.setTimeout(Timing.scaled(Duration.ofSeconds(5)));
        connection.setTimeout(uri.getTimeout());
        assertThat(connection.sync().ping()).isEqualTo("PONG");
      }
    }
  }

  @Test
  void close_whilePaused_stillStopsIt() {
    RedisServer server = RedisServer.start();
    long pid = server.pid();
    server.pause();

    server.close();

    assertThat(Eventually.isGone(pid)).isTrue();
  }

  @Test
  void config_isAppliedAfterTheDefaults() {
    try (RedisServer server =
        RedisServer.builder()
            .config("maxmemory-policy", "allkeys-lru")
            .config("appendonly", "yes")
            .start()) {
      assertThat(server.command("CONFIG", "GET", "maxmemory-policy"))
          .isEqualTo("[maxmemory-policy, allkeys-lru]");
      assertThat(server.command("CONFIG", "GET", "appendonly")).isEqualTo("[appendonly, yes]");
      assertThat(server.command("CONFIG", "GET", "save")).isEqualTo("[save, ]");
    }
  }

  @Test
  void start_withBadConfig_failsWithTheLogTailAndLeavesNothing() {
    int liveBefore = LiveServers.snapshot().size();

    assertThatThrownBy(() -> RedisServer.builder().config("maxmemory-policy", "bogus").start())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("redis-server")
        .hasMessageContaining("127.0.0.1:")
        .hasMessageContaining("exited with code 1 during startup")
        .hasMessageContaining("FATAL CONFIG FILE ERROR")
        .hasMessageContaining("bogus");
    assertThat(LiveServers.snapshot()).hasSize(liveBefore);
  }

  @Test
  void start_onAFixedPort_usesIt() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    try (RedisServer server = RedisServer.builder().port(port).start()) {
      assertThat(server.port()).isEqualTo(port);
      assertThat(server.command("CONFIG", "GET", "port")).isEqualTo("[port, " + port + "]");
    }
  }

  @Test
  void start_onABusyFixedPort_failsNamingIt() throws IOException {
    try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int port = busy.getLocalPort();
      System.setProperty(Timing.PROPERTY, "0.1"); // retry the bind for 0.5 s, not 5 s
      try {
        assertThatThrownBy(() -> RedisServer.builder().port(port).start())
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("127.0.0.1:" + port)
            .hasMessageContaining("could not bind")
            .hasMessageContaining("Address already in use");
      } finally {
        System.setProperty(Timing.PROPERTY, "1.0");
      }
    }
  }

  @Test
  void command_rendersEachKindOfReply() {
    try (RedisServer server = RedisServer.start()) {
      assertThat(server.command("SET", "k", "v")).isEqualTo("OK");
      assertThat(server.command("get", "k")).isEqualTo("v");
      assertThat(server.command("GET", "missing")).isNull();
      assertThat(server.command("INCR", "n")).isEqualTo("1");
      assertThat(server.command("RPUSH", "list", "a", "b")).isEqualTo("2");
      assertThat(server.command("LRANGE", "list", "0", "-1")).isEqualTo("[a, b]");
      assertThat(server.command("LRANGE", "none", "0", "-1")).isEqualTo("[]");
      assertThat(server.command("DBSIZE")).isEqualTo("3");
      assertThat(server.command("DEBUG", "SLEEP", "0")).isEqualTo("OK");
      assertThat(server.command("SCRIPT", "FLUSH")).isEqualTo("OK");
      assertThat(server.command("CLIENT", "LIST")).contains("cmd=client");
      assertThatThrownBy(() -> server.command("NOSUCHCOMMAND"))
          .isInstanceOf(RedisCommandExecutionException.class)
          .hasMessageContaining("unknown command");
    }
  }

  @Test
  void builder_rejectsBadAndRepeatedOptions() {
    RedisServer.Builder builder = RedisServer.builder().password("p").port(7000);

    assertThatThrownBy(() -> builder.config("port", "1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("port");
    assertThatThrownBy(() -> builder.config("RequirePass", "x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.config("save", "1\nport 1"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.config("two words", "x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.password("again")).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> builder.port(7001)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> RedisServer.builder().port(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RedisServer.builder().password(""))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /** Sends one inline command on a plain socket and returns the first line of the reply. */
  private static String inlineCommandReply(int port, String command) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write((command + "\r\n").getBytes(StandardCharsets.UTF_8));
      return new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))
          .readLine();
    }
  }
}
