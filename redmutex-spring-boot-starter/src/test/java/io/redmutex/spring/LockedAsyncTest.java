package io.redmutex.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.redmutex.testkit.PrintRedisLogsOnFailure;
import io.redmutex.testkit.RedisServer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.Async;
import org.springframework.scheduling.annotation.EnableAsync;

/** {@code @Async} + {@code @Locked}: the lock is taken on the executor thread, held until done. */
@ExtendWith(PrintRedisLogsOnFailure.class)
class LockedAsyncTest {
  private static RedisServer server;

  @BeforeAll
  static void startServer() {
    server = RedisServer.start();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @Configuration(proxyBeanMethods = false)
  @EnableAsync
  static class AsyncConfig {}

  /** An async job. */
  static class Exports {
    @Async
    @Locked(name = "'exports:' + #id")
    public CompletableFuture<String> export(int id, CountDownLatch release)
        throws InterruptedException {
      assertThat(release.await(30, TimeUnit.SECONDS)).isTrue();
      return CompletableFuture.completedFuture(
          Thread.currentThread().getName()
              + " key="
              + server.command("EXISTS", "exports:" + id)
              + " token="
              + (Locks.currentLease().fencingToken() > 0));
    }
  }

  @Test
  void asyncLockedMethod_holdsTheLockOnTheExecutorThread_untilItsFutureCompletes()
      throws Exception {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(RedMutexAutoConfiguration.class))
        .withPropertyValues("redmutex.uri=" + server.uri())
        .withUserConfiguration(AsyncConfig.class)
        .withBean(Exports.class)
        .run(
            context -> {
              CountDownLatch release = new CountDownLatch(1);
              CompletableFuture<String> result = context.getBean(Exports.class).export(7, release);
              String caller = Thread.currentThread().getName();
              release.countDown();
              String ran = result.get(30, TimeUnit.SECONDS);
              assertThat(ran).endsWith(" key=1 token=true").doesNotStartWith(caller + " ");
              assertThat(server.command("EXISTS", "exports:7")).isEqualTo("0");
            });
  }
}
