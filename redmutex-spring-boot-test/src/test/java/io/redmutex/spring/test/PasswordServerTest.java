package io.redmutex.spring.test;

import static org.assertj.core.api.Assertions.assertThat;

import io.redmutex.RedMutex;
import io.redmutex.testkit.RedisServer;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/** A test server with a password: redmutex's URI carries it. */
@SpringBootTest(classes = AutoConfigureRedMutexServerTest.App.class)
@AutoConfigureRedMutexServer(password = "s3cret")
class PasswordServerTest {
  @Autowired RedMutex mutex;
  @Autowired RedisServer server;

  @Test
  void theClientAuthenticates() {
    assertThat(server.password()).isEqualTo("s3cret");
    mutex.acquire("test:secret", Duration.ZERO).release();
  }
}
