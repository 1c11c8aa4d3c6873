package io.redmutex.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RedisBinaryTest {

  @AfterEach
  void clearProperty() {
    System.clearProperty(RedisBinary.PROPERTY);
  }

  @Test
  void find_reportsAWorkingBinaryAndItsVersion_once() {
    RedisBinary binary = RedisBinary.find();

    assertThat(binary.version()).matches("\\d+\\.\\d+\\.\\d+");
    assertThat(binary.majorVersion())
        .isEqualTo(Integer.parseInt(binary.version().split("\\.")[0]))
        .isGreaterThanOrEqualTo(6);
    assertThat(binary.source())
        .isIn("REDIS_SERVER", "redmutex.redis.server", "PATH", "embedded-redis");
    assertThat(binary.path()).isExecutable();
    assertThat(binary.toString()).contains(binary.version(), binary.path().toString());
    assertThat(RedisBinary.find()).isSameAs(binary);
  }

  @Test
  void locate_prefersTheSystemProperty() {
    String path = RedisBinary.find().path().toString();
    System.setProperty(RedisBinary.PROPERTY, path);

    RedisBinary binary = RedisBinary.locate();

    assertThat(binary.source()).isEqualTo(RedisBinary.PROPERTY);
    assertThat(binary.path().toString()).isEqualTo(path);
  }

  @Test
  void locate_withAPropertyNamingNoFile_failsNamingIt_insteadOfFallingBack() {
    System.setProperty(RedisBinary.PROPERTY, "/no/such/redis-server");

    assertThatThrownBy(RedisBinary::locate)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("redmutex.redis.server=/no/such/redis-server: no such file");
  }

  @Test
  void locate_withAPropertyNamingSomethingElse_failsShowingItsOutput() {
    System.setProperty(RedisBinary.PROPERTY, "/bin/echo");

    assertThatThrownBy(RedisBinary::locate)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("redmutex.redis.server=/bin/echo: not a working redis-server")
        .hasMessageContaining("--version");
  }

  @Test
  void embedded_isExtractedAndRuns() {
    String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
    assumeTrue(
        System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("linux")
            && List.of("amd64", "x86_64", "aarch64", "arm64").contains(arch),
        "embedded-redis ships Linux binaries for amd64 and aarch64 only");

    RedisBinary embedded = RedisBinary.embedded();

    assertThat(embedded.source()).isEqualTo("embedded-redis");
    assertThat(embedded.version()).startsWith("6.2.");
    assertThat(RedisBinary.embedded()).isSameAs(embedded);
    try (RedisServer server =
        RedisServer.builder().binary(embedded.path()).password("pw").start()) {
      assertThat(server.binary().version()).isEqualTo(embedded.version());
      assertThat(server.command("INFO", "server")).contains("redis_version:" + embedded.version());
      server.restart();
      assertThat(server.command("PING")).isEqualTo("PONG");
    }
  }
}
