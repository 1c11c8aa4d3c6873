package io.redmutex.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import io.redmutex.LockListener;
import io.redmutex.LockLostException;
import io.redmutex.LockTimeoutException;
import io.redmutex.RedMutex;
import io.redmutex.testkit.PrintRedisLogsOnFailure;
import io.redmutex.testkit.RedisServer;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * The meters and observations after a contended run against a real redis-server: a holder, a waiter
 * served by hand-off, a caller that times out, background renewals, and a lease lost to an operator
 * breaking the lock.
 */
@ExtendWith(PrintRedisLogsOnFailure.class)
class MetricsTest {
  private static RedisServer server;

  @BeforeAll
  static void startServer() {
    server = RedisServer.start();
  }

  @AfterAll
  static void stopServer() {
    server.close();
    THREADS.shutdownNow();
  }

  /** Threads of their own: the common pool may have a single thread on a small machine. */
  private static final java.util.concurrent.ExecutorService THREADS =
      java.util.concurrent.Executors.newCachedThreadPool();

  /** The job every thread runs. */
  static class Jobs {
    @Locked(name = "'jobs:' + #job")
    public void hold(String job, CountDownLatch entered, CountDownLatch release)
        throws InterruptedException {
      entered.countDown();
      assertThat(release.await(30, TimeUnit.SECONDS)).isTrue();
    }

    @Locked(name = "'jobs:' + #job", waitTimeout = "30s")
    public void waitFor(String job) {}

    @Locked(name = "'jobs:' + #job")
    public void tryOnce(String job) {}
  }

  /** A listener of the application's own, told of events along with the metrics. */
  static final class Recorder implements LockListener {
    final List<String> events = new CopyOnWriteArrayList<>();

    @Override
    public void acquired(String name, long fencingToken, Duration waited) {
      events.add("acquired " + name);
    }
  }

  private ApplicationContextRunner runner(
      MeterRegistry meters, TestObservationRegistry observations) {
    return new ApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(
                RedMutexAutoConfiguration.class, RedMutexMetricsAutoConfiguration.class))
        .withPropertyValues(
            "redmutex.uri=" + server.uri(),
            "redmutex.lease-time=3s",
            "redmutex.metrics.lock-names=jobs:report")
        .withBean(MeterRegistry.class, () -> meters)
        .withBean(TestObservationRegistry.class, () -> observations)
        .withBean(Recorder.class, Recorder::new)
        .withBean(Jobs.class);
  }

  @Test
  void afterAContendedRun_theMetersCountWhatHappened() throws Exception {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    TestObservationRegistry observations = TestObservationRegistry.create();
    runner(meters, observations)
        .run(
            context -> {
              Jobs jobs = context.getBean(Jobs.class);
              CountDownLatch entered = new CountDownLatch(1);
              CountDownLatch release = new CountDownLatch(1);
              CompletableFuture<Void> holder =
                  CompletableFuture.runAsync(
                      () -> call(() -> jobs.hold("report", entered, release)), THREADS);
              assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();
              // The acquired event may trail the acquire a little.
              await()
                  .atMost(Duration.ofSeconds(30))
                  .until(
                      () ->
                          meters.find("redmutex.held").longTaskTimers().stream()
                                  .mapToInt(t -> t.activeTasks())
                                  .sum()
                              == 1);

              assertThatThrownBy(() -> jobs.tryOnce("report"))
                  .isInstanceOf(LockTimeoutException.class);
              CompletableFuture<Void> waiter =
                  CompletableFuture.runAsync(() -> jobs.waitFor("report"), THREADS);
              await()
                  .atMost(Duration.ofSeconds(30))
                  .until(
                      () ->
                          meters.find("redmutex.renewals").counter() != null
                              && meters.get("redmutex.renewals").counter().count() >= 1);
              release.countDown();
              holder.get(30, TimeUnit.SECONDS);
              waiter.get(30, TimeUnit.SECONDS);

              // An operator breaks a held lock; its holder finds out at its next renewal.
              CountDownLatch entered2 = new CountDownLatch(1);
              CountDownLatch release2 = new CountDownLatch(1);
              CompletableFuture<Void> victim =
                  CompletableFuture.runAsync(
                      () -> call(() -> jobs.hold("cleanup", entered2, release2)), THREADS);
              assertThat(entered2.await(30, TimeUnit.SECONDS)).isTrue();
              context.getBean(RedMutex.class).forceRelease("jobs:cleanup");
              await()
                  .atMost(Duration.ofSeconds(30))
                  .until(() -> meters.find("redmutex.lost").counter() != null);
              release2.countDown();
              assertThatThrownBy(() -> victim.get(30, TimeUnit.SECONDS))
                  .hasRootCauseInstanceOf(LockLostException.class);

              // Listener events arrive on the client's callback thread, maybe just after the
              // calls returned: wait until they are all counted.
              await()
                  .atMost(Duration.ofSeconds(30))
                  .untilAsserted(
                      () -> {
                        assertThat(
                                meters
                                    .get("redmutex.acquire")
                                    .tags("outcome", "acquired", "name", "jobs:report")
                                    .timer()
                                    .count())
                            .isEqualTo(2);
                        assertThat(
                                meters
                                    .get("redmutex.acquire")
                                    .tags("outcome", "timeout", "name", "jobs:report")
                                    .timer()
                                    .count())
                            .isEqualTo(1);
                        assertThat(
                                meters
                                    .get("redmutex.acquire")
                                    .tags("outcome", "acquired", "name", "other")
                                    .timer()
                                    .count())
                            .isEqualTo(1);
                        // The waiter was served by a hand-off if it was parked at the release, else
                        // by the
                        // release message: which one depends on timing, so either is accepted here
                        // (MicrometerLockListenerTest checks the counter itself).
                        assertThat(meters.find("redmutex.handoffs").counters())
                            .allSatisfy(c -> assertThat(c.count()).isLessThanOrEqualTo(1));
                        assertThat(
                                meters.get("redmutex.lost").tag("name", "other").counter().count())
                            .isEqualTo(1);
                        assertThat(
                                meters
                                    .get("redmutex.held")
                                    .tag("name", "jobs:report")
                                    .longTaskTimer()
                                    .activeTasks())
                            .isZero();
                        assertThat(
                                meters
                                    .get("redmutex.held")
                                    .tag("name", "other")
                                    .longTaskTimer()
                                    .activeTasks())
                            .isZero();
                        assertThat(context.getBean(Recorder.class).events)
                            .containsExactly(
                                "acquired jobs:report",
                                "acquired jobs:report",
                                "acquired jobs:cleanup");
                      });
              System.out.println("redmutex meters after a contended run:\n" + describe(meters));

              TestObservationRegistryAssert.assertThat(observations)
                  .hasNumberOfObservationsWithNameEqualTo(MicrometerLockedObserver.WAIT, 4)
                  .hasAnObservation(
                      o ->
                          o.hasNameEqualTo(MicrometerLockedObserver.WAIT)
                              .hasLowCardinalityKeyValue("redmutex.outcome", "timeout")
                              .hasLowCardinalityKeyValue("redmutex.method", "Jobs.tryOnce")
                              .hasHighCardinalityKeyValue("redmutex.lock", "jobs:report"))
                  .hasAnObservation(
                      o ->
                          o.hasNameEqualTo(MicrometerLockedObserver.HELD)
                              .hasLowCardinalityKeyValue("redmutex.outcome", "lost")
                              .hasHighCardinalityKeyValue("redmutex.lock", "jobs:cleanup"))
                  .hasNumberOfObservationsWithNameEqualTo(MicrometerLockedObserver.HELD, 3);
            });
  }

  @Test
  void withoutConfiguredNames_metersCarryNoNameTag() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    runner(meters, TestObservationRegistry.create())
        .withPropertyValues("redmutex.metrics.lock-names=")
        .run(
            context -> {
              context.getBean(Jobs.class).tryOnce("untagged");
              await()
                  .atMost(Duration.ofSeconds(30))
                  .until(() -> meters.find("redmutex.acquire").timer() != null);
              Meter timer = meters.get("redmutex.acquire").timer();
              assertThat(timer.getId().getTags())
                  .extracting(t -> t.getKey())
                  .containsExactly("outcome");
            });
  }

  static String describe(MeterRegistry meters) {
    return meters.getMeters().stream()
        .sorted(
            Comparator.comparing((Meter m) -> m.getId().getName())
                .thenComparing(m -> m.getId().getTags().toString()))
        .map(m -> m.getId().getName() + " " + m.getId().getTags() + " " + m.measure())
        .collect(Collectors.joining("\n"));
  }

  interface Body {
    void run() throws Exception;
  }

  private static void call(Body body) {
    try {
      body.run();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
