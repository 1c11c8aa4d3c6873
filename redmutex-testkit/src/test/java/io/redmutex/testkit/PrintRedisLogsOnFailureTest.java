package io.redmutex.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PrintRedisLogsOnFailureTest {

  @Test
  void print_showsTheLogTailOfEachOpenServer_andNoneOfClosedOnes() {
    RedisServer closed = RedisServer.start();
    closed.close();
    try (RedisServer open = RedisServer.start()) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();

      PrintRedisLogsOnFailure.print(
          new PrintStream(bytes, true, StandardCharsets.UTF_8), "someTest()");

      String printed = bytes.toString(StandardCharsets.UTF_8);
      assertThat(printed)
          .contains("someTest() failed; last 100 log lines of RedisServer[127.0.0.1:" + open.port())
          .contains("Ready to accept connections")
          .doesNotContain("127.0.0.1:" + closed.port() + ",");
    }
  }
}
