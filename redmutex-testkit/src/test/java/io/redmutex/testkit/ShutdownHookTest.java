package io.redmutex.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ShutdownHookTest {

  /** Run in a child JVM: starts a server and exits without closing it. */
  static final class LeakyMain {
    public static void main(String[] args) {
      RedisServer server = RedisServer.start();
      System.out.println(server.pid() + " " + server.directory());
      System.out.flush();
    }
  }

  @Test
  void jvmExit_killsServersThatWereNotClosed() throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                "-D" + Timing.PROPERTY + "=" + Timing.multiplier(),
                LeakyMain.class.getName())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    String line;
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      line = out.readLine();
    }
    assertThat(
            child.waitFor(Timing.scaled(Duration.ofSeconds(30)).toMillis(), TimeUnit.MILLISECONDS))
        .isTrue();
    assertThat(line).as("child output").isNotNull();

    String[] parts = line.split(" ", 2);
    long pid = Long.parseLong(parts[0]);
    Eventually.await(
        "leaked redis-server " + pid + " to die",
        Duration.ofSeconds(5),
        () -> Eventually.isGone(pid));
    assertThat(Path.of(parts[1])).doesNotExist();
  }
}
