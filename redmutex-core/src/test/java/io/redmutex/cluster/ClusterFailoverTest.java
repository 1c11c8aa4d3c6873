package io.redmutex.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.redmutex.Lease;
import io.redmutex.RedMutex;
import io.redmutex.testkit.PrintRedisLogsOnFailure;
import io.redmutex.testkit.RedisClusterNodes;
import io.redmutex.testkit.RedisServer;
import io.redmutex.testkit.Timing;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A cluster master fails over; locks in its slots keep working. */
@ExtendWith(PrintRedisLogsOnFailure.class)
class ClusterFailoverTest {
  private RedisClusterNodes cluster;

  @BeforeEach
  void start() {
    cluster = RedisClusterNodes.start();
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  private RedMutex client() {
    return RedMutex.builder()
        .uri("redis-cluster://" + cluster.uri().substring("redis://".length()))
        .leaseTime(Duration.ofSeconds(5))
        .commandTimeout(Duration.ofMillis(500))
        .build();
  }

  @Test
  void locks_inTheSlotsOfAKilledMaster_workAgainAfterFailover_andTokensKeepIncreasing()
      throws Exception {
    try (RedMutex mutex = client();
        RedMutex other = client()) {
      String name = "orders:42";
      Lease before = mutex.acquire(name, Duration.ZERO);
      before.release();
      Lease held = mutex.acquire(name, Duration.ZERO);
      RedisServer master = cluster.masterFor(name);
      master.command("WAIT", "1", "2000");
      CompletableFuture<Lease> waiter =
          other.acquireAsync(name, Timing.scaled(Duration.ofSeconds(30)));
      await().until(() -> other.inspect(name).waitingClients() > 0);

      cluster.killMaster(master);
      cluster.awaitFailover(Timing.scaled(Duration.ofSeconds(30)));
      held.release(); // on the promoted replica, which has the key

      Lease next =
          waiter.get(Timing.scaled(Duration.ofSeconds(30)).toMillis(), TimeUnit.MILLISECONDS);
      assertThat(next.fencingToken()).isGreaterThan(held.fencingToken());
      assertThat(cluster.masterFor(name).port()).isNotEqualTo(master.port());
      next.release();
      Lease again = mutex.acquire(name, Timing.scaled(Duration.ofSeconds(10)));
      assertThat(again.fencingToken()).isGreaterThan(next.fencingToken());
      again.release();
    }
  }
}
