package io.redmutex.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Raw sockets speak RESP through the proxy, so that what arrives, and when, is visible byte for
 * byte; Lettuce checks that a real client works through it.
 */
@ExtendWith(PrintRedisLogsOnFailure.class)
class TcpProxyTest {

  /** Long enough that a forwarded reply arrives, short enough to keep a silent wait brief. */
  private static final int SILENCE_MILLIS = 300;

  private static RedisServer redis;
  private static RedisClient client;
  private TcpProxy proxy;

  @BeforeAll
  static void startRedis() {
    redis = RedisServer.builder().password("pa:ss").start();
    client = RedisClient.create();
    client.setOptions(ClientOptions.builder().autoReconnect(false).build());
  }

  @AfterAll
  static void stopRedis() {
    client.shutdown();
    redis.close();
  }

  @BeforeEach
  void startProxy() {
    proxy = TcpProxy.start(redis);
    redis.command("FLUSHALL");
  }

  @AfterEach
  void closeProxy() {
    proxy.close();
  }

  @Test
  void forwards_aLettuceConnection_withTheTargetsPassword() {
    assertThat(proxy.host()).isEqualTo("127.0.0.1");
    assertThat(proxy.port()).isNotEqualTo(redis.port());
    assertThat(proxy.targetPort()).isEqualTo(redis.port());
    assertThat(proxy.uri()).isEqualTo("redis://:pa%3Ass@127.0.0.1:" + proxy.port());

    for (RedisURI uri : new RedisURI[] {proxy.redisUri(), RedisURI.create(proxy.uri())}) {
      try (StatefulRedisConnection<String, String> connection = client.connect(uri)) {
        connection.sync().set("through-proxy", "yes");
        assertThat(connection.sync().clientList()).contains("laddr=127.0.0.1:" + redis.port());
      }
    }
    assertThat(redis.command("GET", "through-proxy")).isEqualTo("yes");
  }

  @Test
  void partitionReset_resetsOpenConnections_andNewOnes_untilHealed() throws IOException {
    try (Socket socket = connect()) {
      assertThat(roundTrip(socket, "PING")).isEqualTo("+PONG");
      assertThat(proxy.connectionCount()).isEqualTo(1);

      proxy.partition(TcpProxy.Mode.RESET);

      assertThat(proxy.isPartitioned()).isTrue();
      assertThat(proxy.connectionCount()).isZero();
      assertThatThrownBy(() -> roundTrip(socket, "PING"))
          .isInstanceOf(IOException.class)
          .isNotInstanceOf(SocketTimeoutException.class);
    }
    assertThatThrownBy(this::connect)
        .isInstanceOf(IOException.class)
        .isNotInstanceOf(SocketTimeoutException.class);
    assertThatThrownBy(() -> client.connect(proxy.redisUri()).close())
        .isInstanceOf(RedisConnectionException.class);

    proxy.heal();

    assertThat(proxy.isPartitioned()).isFalse();
    try (Socket socket = connect()) {
      assertThat(roundTrip(socket, "PING")).isEqualTo("+PONG");
    }
  }

  @Test
  void partitionBlackhole_holdsTrafficSilently_andHealDeliversItLate() throws IOException {
    try (Socket socket = connect()) {
      assertThat(roundTrip(socket, "PING")).isEqualTo("+PONG");

      proxy.partition(TcpProxy.Mode.BLACKHOLE);

      send(socket, "SET", "held", "1");
      assertSilent(socket);
      assertThat(redis.command("GET", "held")).as("the command reached Redis").isNull();
      assertThat(proxy.connectionCount()).isEqualTo(1);

      proxy.heal();

      assertThat(readLine(socket, (int) Timing.scaledMillis(5000))).isEqualTo("+OK");
      assertThat(redis.command("GET", "held")).isEqualTo("1");
    }
  }

  @Test
  void partitionBlackhole_acceptsNewConnections_butAnswersNothingUntilHealed() throws IOException {
    proxy.partition(TcpProxy.Mode.BLACKHOLE);
    try (Socket socket = new Socket(proxy.host(), proxy.port())) {
      send(socket, "AUTH", "pa:ss");
      assertSilent(socket);

      proxy.heal();

      assertThat(readLine(socket, (int) Timing.scaledMillis(5000))).isEqualTo("+OK");
      assertThat(roundTrip(socket, "PING")).isEqualTo("+PONG");
    }
  }

  @Test
  void partitionBlackhole_makesALettuceCommandTimeOut() {
    RedisURI uri = proxy.redisUri();
    uri.setTimeout(Duration.ofMillis(SILENCE_MILLIS));
    try (StatefulRedisConnection<String, String> connection = client.connect(uri)) {
      proxy.partition(TcpProxy.Mode.BLACKHOLE);

      assertThatThrownBy(() -> connection.sync().ping())
          .isInstanceOf(RedisCommandTimeoutException.class);
      assertThat(connection.isOpen()).isTrue();
    }
  }

  @Test
  void switchingFromBlackholeToReset_resetsTheHeldConnections() throws IOException {
    try (Socket socket = connect()) {
      assertThat(roundTrip(socket, "PING")).isEqualTo("+PONG");
      proxy.partition(TcpProxy.Mode.BLACKHOLE);

      proxy.partition(TcpProxy.Mode.RESET);

      assertThat(proxy.connectionCount()).isZero();
      assertThatThrownBy(() -> roundTrip(socket, "PING"))
          .isInstanceOf(IOException.class)
          .isNotInstanceOf(SocketTimeoutException.class);
    }
  }

  @Test
  void targetDown_resetsClientConnections() throws IOException {
    try (RedisServer down = RedisServer.start();
        TcpProxy toDown = TcpProxy.start(down)) {
      down.kill();
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(toDown.host(), toDown.port()));
        assertThatThrownBy(() -> roundTrip(socket, "PING"))
            .isInstanceOf(IOException.class)
            .isNotInstanceOf(SocketTimeoutException.class);
      }
    }
  }

  @Test
  void targetClosingAConnection_closesTheClientSide() throws IOException {
    try (Socket socket = connect()) {
      assertThat(roundTrip(socket, "PING")).isEqualTo("+PONG");

      redis.command("CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes");

      assertThat(readLine(socket, (int) Timing.scaledMillis(5000))).as("end of stream").isNull();
    }
    await().atMost(Timing.scaled(Duration.ofSeconds(5))).until(() -> proxy.connectionCount() == 0);
  }

  @Test
  void close_stopsListening_andClosesConnections() throws IOException {
    Socket socket = connect();
    assertThat(roundTrip(socket, "PING")).isEqualTo("+PONG");

    proxy.close();
    proxy.close(); // idempotent

    assertThat(readLine(socket, (int) Timing.scaledMillis(5000))).isNull();
    socket.close();
    // Not "a connect is refused": on a shared machine another process may take the freed port.
    assertThat(proxy.isListening()).isFalse();
    assertThat(proxy.connectionCount()).isZero();
    assertThatThrownBy(() -> proxy.partition(TcpProxy.Mode.RESET))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void start_rejectsABadPort() {
    assertThatThrownBy(() -> TcpProxy.start("127.0.0.1", 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TcpProxy.start("127.0.0.1", 65536))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private Socket connect() throws IOException {
    Socket socket = new Socket(proxy.host(), proxy.port());
    send(socket, "AUTH", "pa:ss");
    assertThat(readLine(socket, (int) Timing.scaledMillis(5000))).isEqualTo("+OK");
    return socket;
  }

  /** Sends a command and reads the one-line reply, waiting up to 5 s (scaled). */
  private static String roundTrip(Socket socket, String... command) throws IOException {
    send(socket, command);
    String line = readLine(socket, (int) Timing.scaledMillis(5000));
    if (line == null) {
      throw new EOFException("connection closed by the proxy");
    }
    return line;
  }

  /** Nothing arrives, and the connection stays open, for {@value #SILENCE_MILLIS} ms. */
  private static void assertSilent(Socket socket) {
    assertThatThrownBy(() -> readLine(socket, SILENCE_MILLIS))
        .as("a reply or the end of the connection, during a blackhole")
        .isInstanceOf(SocketTimeoutException.class);
  }

  private static void send(Socket socket, String... command) throws IOException {
    StringBuilder resp = new StringBuilder("*").append(command.length).append("\r\n");
    for (String arg : command) {
      byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
      resp.append('$').append(bytes.length).append("\r\n").append(arg).append("\r\n");
    }
    OutputStream out = socket.getOutputStream();
    out.write(resp.toString().getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  /**
   * Reads one reply line; null if the connection ends cleanly. Silence past {@code timeoutMillis}
   * throws {@link SocketTimeoutException}, a reset the {@link java.net.SocketException} it is.
   */
  private static String readLine(Socket socket, int timeoutMillis) throws IOException {
    socket.setSoTimeout(timeoutMillis);
    InputStream in = socket.getInputStream();
    StringBuilder line = new StringBuilder();
    while (true) {
      int c = in.read();
      if (c < 0) {
        return null;
      }
      if (c == '\n' && line.length() > 0 && line.charAt(line.length() - 1) == '\r') {
        return line.substring(0, line.length() - 1);
      }
      line.append((char) c);
    }
  }
}
