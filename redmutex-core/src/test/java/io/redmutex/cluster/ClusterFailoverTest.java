package io.redmutex.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.redmutex.Lease;
import io.redmutex.RedMutex;
import io.redmutex.RedisUnavailableException;
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

  private RedMutex client(Duration leaseTime) {
    return RedMutex.builder()
        .uri("redis-cluster://" + cluster.uri().substring("redis://".length()))
        .leaseTime(leaseTime)
        .commandTimeout(Duration.ofMillis(500))
        .build();
  }

  /**
   * The lease outlives the failover: the master dies up to a renewal period after the last renewal,
   * the promotion takes 3 to 4 s here (node timeout 1.5 s, then the election), and the client must
   * then find the new master. With a 5 s lease the key could expire on the promoted replica before
   * a renewal reached it, and the release would then rightly report the lease lost.
   */
  @Test
  void locks_inTheSlotsOfAKilledMaster_workAgainAfterFailover_andTokensKeepIncreasing()
      throws Exception {
    try (RedMutex mutex = client(Duration.ofSeconds(15));
        RedMutex other = client(Duration.ofSeconds(15))) {
      String name = "orders:42";
      Lease before = mutex.acquire(name, Duration.ZERO);
      before.release();
      Lease held = mutex.acquire(name, Duration.ZERO);
      RedisServer master = cluster.masterFor(name);
      master.command("WAIT", "1", "2000");
      CompletableFuture<Lease> waiter =
          other.acquireAsync(name, Timing.scaled(Duration.ofSeconds(30)));
      // A loaded machine may make one inspection time out: it is asked again.
      await()
          .ignoreExceptionsInstanceOf(RedisUnavailableException.class)
          .until(() -> other.inspect(name).waitingClients() > 0);

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

  /**
   * After a failover, a release wakes a waiter that subscribed before it: its subscription moved to
   * the slot's new master (sharded pub/sub on Redis 7), or its pub/sub connection to another node
   * (classic pub/sub). Without a wake-up, the waiter would retry only when the holder's key could
   * have expired: never before the lease time after the holder took the lock, since every renewal
   * pushes the expiry later. Getting the lock before then proves it was woken.
   */
  @Test
  void afterFailover_aRelease_wakesAWaiterThatSubscribedBefore_longBeforeTheLeaseCouldRunOut()
      throws Exception {
    Duration lease = Duration.ofSeconds(20);
    try (RedMutex holder = client(lease);
        RedMutex other = client(lease)) {
      String name = "invoices:7";
      long takenAt = System.nanoTime();
      Lease held = holder.acquire(name, Duration.ZERO);
      RedisServer master = cluster.masterFor(name);
      master.command("WAIT", "1", "2000");
      CompletableFuture<Lease> waiter = other.acquireAsync(name, Duration.ofSeconds(60));
      // A loaded machine may make one inspection time out: it is asked again.
      await()
          .ignoreExceptionsInstanceOf(RedisUnavailableException.class)
          .until(() -> other.inspect(name).waitingClients() > 0);

      cluster.killMaster(master);
      cluster.awaitFailover(Timing.scaled(Duration.ofSeconds(30)));
      assertThat(waiter).isNotDone();
      long releasedAt = System.nanoTime();
      held.release(); // on the promoted replica, which has the key

      Lease next = waiter.get(60, TimeUnit.SECONDS);
      long gotAt = System.nanoTime();
      assertThat(Duration.ofNanos(gotAt - takenAt))
          .as(
              "from the holder's take to the waiter's lease (release to lease: %s ms); the"
                  + " holder's key could not expire before %s",
              TimeUnit.NANOSECONDS.toMillis(gotAt - releasedAt), lease)
          .isLessThan(lease);
      assertThat(next.fencingToken()).isGreaterThan(held.fencingToken());
      next.release();
    }
  }
}
