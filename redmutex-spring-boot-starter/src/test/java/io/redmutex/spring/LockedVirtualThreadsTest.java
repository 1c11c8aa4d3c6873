package io.redmutex.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.redmutex.testkit.PrintRedisLogsOnFailure;
import io.redmutex.testkit.RedisServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * {@code @Locked} methods called from virtual threads: one at a time, each seeing its own lease.
 * The project builds for Java 17, so the virtual-thread executor is looked up reflectively and the
 * test is skipped on a JVM older than 21 (run the suite on a newer JDK to exercise it).
 */
@ExtendWith(PrintRedisLogsOnFailure.class)
class LockedVirtualThreadsTest {
  private static RedisServer server;

  @BeforeAll
  static void startServer() {
    assumeTrue(Runtime.version().feature() >= 21, "virtual threads need Java 21+");
    server = RedisServer.start();
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  /** Counts how many calls are inside at once. */
  static class Counter {
    private final AtomicInteger inside = new AtomicInteger();
    private final AtomicInteger mostInside = new AtomicInteger();
    private final Set<Long> tokens = ConcurrentHashMap.newKeySet();

    @Locked(name = "vt:counter", waitTimeout = "60s")
    public void increment() {
      int now = inside.incrementAndGet();
      mostInside.accumulateAndGet(now, Math::max);
      tokens.add(Locks.currentLease().fencingToken());
      Thread.yield();
      inside.decrementAndGet();
    }

    public int mostInside() {
      return mostInside.get();
    }

    public int distinctTokens() {
      return tokens.size();
    }
  }

  @Test
  void lockedCallsFromVirtualThreads_runOneAtATime_eachWithItsOwnLease() throws Exception {
    ExecutorService virtualThreads =
        (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(RedMutexAutoConfiguration.class))
        .withPropertyValues("redmutex.uri=" + server.uri())
        .withBean(Counter.class)
        .run(
            context -> {
              Counter counter = context.getBean(Counter.class);
              List<Future<?>> calls = new ArrayList<>();
              for (int i = 0; i < 50; i++) {
                calls.add(virtualThreads.submit(counter::increment));
              }
              for (Future<?> call : calls) {
                call.get(60, TimeUnit.SECONDS);
              }
              assertThat(counter.mostInside()).isEqualTo(1);
              assertThat(counter.distinctTokens()).isEqualTo(50);
            });
    virtualThreads.shutdown();
  }
}
