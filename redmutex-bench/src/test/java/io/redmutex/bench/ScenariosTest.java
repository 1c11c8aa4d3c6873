package io.redmutex.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.redmutex.testkit.RedisServer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Short runs of the scenarios against a test-kit Redis: they run and count. Nothing is timed. */
class ScenariosTest {
  private static final Duration SHORT = Duration.ofMillis(300);

  private static RedisServer server;
  private static RedisTarget redis;

  @BeforeAll
  static void startRedis() {
    server = RedisServer.start();
    redis = RedisTarget.parse(server.uri());
  }

  @AfterAll
  static void stopRedis() {
    server.close();
  }

  @Test
  void contended_withARealLock_excludesAndAccountsForEveryAcquisition() throws Exception {
    ContendedScenario.Run run =
        new ContendedScenario().run(new FloorLibrary(), redis, SHORT, CpuMeter.NONE);

    assertThat(run.acquisitions()).isPositive();
    assertThat(run.handOffs() + run.barges()).isBetween(run.acquisitions() - 1, run.acquisitions());
    assertThat(run.handOffLatency().getTotalCount()).isEqualTo(run.handOffs());
    assertThat(run.perClient()[0] + run.perClient()[1]).isEqualTo(run.acquisitions());
    assertThat(run.overlaps()).isZero();
    assertThat(run.lostUpdates()).isZero();
    assertThat(run.errors()).isZero();
  }

  @Test
  void contended_withALockThatDoesNotExclude_reportsTheViolation() throws Exception {
    Library.Client noLock =
        new Library.Client() {
          @Override
          public Library.Held acquire(String name) {
            return () -> {};
          }

          @Override
          public void close() {}
        };

    ContendedScenario.Run run =
        new ContendedScenario().measure(List.of(noLock, noLock), SHORT, CpuMeter.NONE);

    assertThat(run.excluded()).isFalse();
    assertThat(run.overlaps() + run.lostUpdates()).isPositive();
  }

  @Test
  void uncontendedAndParallel_countOperationsWithLatencies() throws Exception {
    for (ThroughputScenario scenario :
        List.of(ThroughputScenario.uncontended(), ThroughputScenario.parallel())) {
      ThroughputScenario.Run run;
      try (RedisAdmin admin = new RedisAdmin(redis)) {
        run = scenario.run(new RedmutexLibrary(), redis, SHORT, CpuMeter.of(admin));
      }

      assertThat(run.ops()).as(scenario.scenario().id()).isPositive();
      assertThat(run.latency().getTotalCount()).isEqualTo(run.ops());
      assertThat(run.errors()).isZero();
      assertThat(run.cpuPerOp().client()).isPositive();
      assertThat(run.cpuPerOp().redis()).isPositive();
    }
  }

  @Test
  void footprint_countsConnectionsThreadsAndMemory() throws Exception {
    try (RedisAdmin admin = new RedisAdmin(redis)) {
      FootprintScenario.Run run = new FootprintScenario(500).run(new FloorLibrary(), redis, admin);

      assertThat(run.locks()).isEqualTo(500);
      assertThat(run.connections()).isEqualTo(1); // the floor has one connection, named
      assertThat(run.connectionDelta()).isEqualTo(1);
      assertThat(run.threads()).isPositive(); // at least Lettuce's event loop
      assertThat(run.bytesPerLock()).isPositive();
      assertThat(admin.connectionsNamed("bench-floor-footprint")).isZero(); // closed again
    }
  }

  @Test
  void everyPeer_takesAndGivesBackALock() {
    for (Library library :
        List.of(
            new RedmutexLibrary(),
            new RedissonLibrary(),
            SpringIntegrationLibrary.spin(),
            SpringIntegrationLibrary.pubSub(),
            new FloorLibrary())) {
      try (Library.Client client = library.open(redis, "bench-test-" + library.id())) {
        client.acquire("bench:test").release();
        client.acquire("bench:test").release();
      }
      assertThat(library.configuration()).as(library.id()).isNotBlank();
    }
  }
}
