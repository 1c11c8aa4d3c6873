package io.redmutex.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import io.redmutex.Lease;
import io.redmutex.LockListener;
import io.redmutex.RedMutex;
import io.redmutex.testkit.PrintRedisLogsOnFailure;
import io.redmutex.testkit.RedisServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** When the starter observes acquires and holds, and that it tells them along other listeners. */
@ExtendWith(PrintRedisLogsOnFailure.class)
class LockObservationsAutoConfigurationTest {
  private static RedisServer server;

  @BeforeAll
  static void startRedis() {
    server = RedisServer.start();
  }

  @AfterAll
  static void stopRedis() {
    server.close();
  }

  /** An application's own listener that also wants acquireStarting. */
  static final class Starts implements LockListener {
    final List<String> names = new CopyOnWriteArrayList<>();

    @Override
    public Acquisition acquireStarting(String name) {
      names.add(name);
      return Acquisition.NONE;
    }
  }

  private ApplicationContextRunner runner() {
    return new ApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(
                RedMutexAutoConfiguration.class, RedMutexMetricsAutoConfiguration.class))
        .withPropertyValues("redmutex.uri=" + server.uri());
  }

  @Test
  void withAnObservationRegistry_everyAcquireIsObserved_andOtherListenersStillTold() {
    TestObservationRegistry observations = TestObservationRegistry.create();
    runner()
        .withBean(ObservationRegistry.class, () -> observations)
        .withBean(Starts.class, Starts::new)
        .run(
            context -> {
              assertThat(context).hasSingleBean(MicrometerLockObservations.class);
              Observation request = Observation.start("request", observations);
              try (Observation.Scope scope = request.openScope();
                  Lease lease =
                      context.getBean(RedMutex.class).acquire("auto:a", Duration.ofSeconds(1))) {
                assertThat(lease.isHeld()).isTrue();
              }
              request.stop();
              TestObservationRegistryAssert.assertThat(observations)
                  .hasObservationWithNameEqualTo(MicrometerLockObservations.ACQUIRE)
                  .that()
                  .hasParentObservationEqualTo(request)
                  .hasLowCardinalityKeyValue("redmutex.outcome", "acquired");
              assertThat(context.getBean(Starts.class).names).containsExactly("auto:a");
            });
  }

  @Test
  void turnedOff_byProperty() {
    runner()
        .withBean(ObservationRegistry.class, TestObservationRegistry::create)
        .withPropertyValues("redmutex.observations.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean(MicrometerLockObservations.class));
  }

  @Test
  void withoutAnObservationRegistryBean_orWithoutMicrometer_nothingIsObserved() {
    runner()
        .run(
            context -> {
              assertThat(context).hasNotFailed().doesNotHaveBean(MicrometerLockObservations.class);
              context.getBean(RedMutex.class).acquire("auto:b", Duration.ZERO).release();
            });
    runner()
        .withClassLoader(new FilteredClassLoader("io.micrometer"))
        .run(
            context -> {
              assertThat(context).hasNotFailed().doesNotHaveBean(MicrometerLockObservations.class);
              context.getBean(RedMutex.class).acquire("auto:c", Duration.ZERO).release();
            });
  }
}
