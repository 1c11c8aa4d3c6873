package io.redmutex.shedlock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.redmutex.RedMutex;
import io.redmutex.testkit.PrintRedisLogsOnFailure;
import io.redmutex.testkit.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import net.javacrumbs.shedlock.spring.annotation.EnableSchedulerLock;
import net.javacrumbs.shedlock.spring.annotation.SchedulerLock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.MapPropertySource;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * One {@code @Scheduled} job with {@code @SchedulerLock} in two Spring application contexts (two
 * instances of a service, each with its own {@link RedMutex}) on one password-protected Redis: the
 * job runs on one instance at a time, and each run's fencing token is larger than the last's.
 */
@ExtendWith(PrintRedisLogsOnFailure.class)
class TwoInstancesSchedulerLockTest {
  private static RedisServer redis;

  /** One run of the job: which instance, its fencing token, when it started and ended. */
  record Run(String instance, long fencingToken, long startNanos, long endNanos) {}

  static final List<Run> RUNS = Collections.synchronizedList(new ArrayList<>());

  @BeforeAll
  static void startRedis() {
    redis = RedisServer.builder().password("shed-s3cret").start();
  }

  @AfterAll
  static void stopRedis() {
    redis.close();
  }

  @Configuration
  @EnableScheduling
  @EnableSchedulerLock(defaultLockAtMostFor = "PT30S")
  static class Instance {
    @Bean(destroyMethod = "close")
    RedMutex redMutex(@Value("${redis.uri}") String uri) {
      return RedMutex.connect(uri);
    }

    @Bean(destroyMethod = "close")
    RedMutexLockProvider lockProvider(RedMutex redMutex) {
      return new RedMutexLockProvider(redMutex, "shedlock:");
    }

    @Bean
    ReportJob reportJob(@Value("${instance}") String instance) {
      return new ReportJob(instance);
    }
  }

  static class ReportJob {
    private final String instance;

    ReportJob(String instance) {
      this.instance = instance;
    }

    @Scheduled(fixedDelay = 10)
    @SchedulerLock(name = "report")
    public void run() throws InterruptedException {
      long start = System.nanoTime();
      long token = RedMutexLockProvider.currentFencingToken("report").orElseThrow();
      Thread.sleep(20); // the job's work, long enough for the other instance to try meanwhile
      RUNS.add(new Run(instance, token, start, System.nanoTime()));
    }
  }

  private static AnnotationConfigApplicationContext start(String instance) {
    AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext();
    context
        .getEnvironment()
        .getPropertySources()
        .addFirst(
            new MapPropertySource(
                instance, Map.of("redis.uri", redis.uri(), "instance", instance)));
    context.register(Instance.class);
    context.refresh();
    return context;
  }

  private static long runsOf(String instance) {
    synchronized (RUNS) {
      return RUNS.stream().filter(run -> run.instance().equals(instance)).count();
    }
  }

  @Test
  void scheduledJob_onTwoInstances_runsOnOneAtATime_withIncreasingFencingTokens() {
    try (AnnotationConfigApplicationContext a = start("a");
        AnnotationConfigApplicationContext b = start("b")) {
      await().atMost(Duration.ofSeconds(30)).until(() -> runsOf("a") >= 5 && runsOf("b") >= 5);
    }

    List<Run> runs;
    synchronized (RUNS) {
      runs = new ArrayList<>(RUNS);
    }
    runs.sort(Comparator.comparingLong(Run::startNanos));
    for (int i = 1; i < runs.size(); i++) {
      Run previous = runs.get(i - 1);
      Run next = runs.get(i);
      assertThat(next.startNanos())
          .as("run %d (%s) started before run %d (%s) ended", i, next, i - 1, previous)
          .isGreaterThan(previous.endNanos());
      assertThat(next.fencingToken()).isGreaterThan(previous.fencingToken());
    }
    assertThat(redis.command("EXISTS", "shedlock:report")).isEqualTo("0");
  }
}
