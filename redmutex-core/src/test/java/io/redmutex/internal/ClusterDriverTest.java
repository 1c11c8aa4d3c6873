package io.redmutex.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.cluster.SlotHash;
import io.redmutex.testkit.PrintRedisLogsOnFailure;
import io.redmutex.testkit.RedisBinary;
import io.redmutex.testkit.RedisClusterNodes;
import io.redmutex.testkit.RedisServer;
import io.redmutex.testkit.Timing;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The cluster driver's wake-up subscriptions and subscriber counts when the slots move. */
@ExtendWith(PrintRedisLogsOnFailure.class)
class ClusterDriverTest {
  private static final Duration WAIT = Timing.scaled(Duration.ofSeconds(15));

  private RedisClusterNodes cluster;
  private ClusterDriver driver;
  private final BlockingQueue<String> wakeUps = new LinkedBlockingQueue<>();

  @BeforeEach
  void start() {
    cluster = RedisClusterNodes.start();
    driver = new ClusterDriver(cluster.seedUris(), Duration.ofMillis(500), null);
    driver.onWakeUp(wakeUps::add);
  }

  @AfterEach
  void stop() {
    try {
      driver.close();
    } finally {
      cluster.close();
    }
  }

  /**
   * Redis 7 drops the sharded subscriptions of a master that becomes a replica; and its node
   * connection would never follow the slot anyway. The subscription must end up on the new master,
   * and its confirmation must wake the channel's waiters (a release may have been missed).
   */
  @Test
  void shardedSubscription_movesToTheSlotsNewMaster_afterAManualFailover_andWakesItsWaiters()
      throws Exception {
    assumeThat(RedisBinary.find().majorVersion()).as("sharded pub/sub").isGreaterThanOrEqualTo(7);
    String channel = "{moving}:wake";
    driver.subscribe(channel).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(wakeUps.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(channel);
    RedisServer master = cluster.masterFor(channel);
    assertThat(master.command("SPUBLISH", channel, "probe")).isEqualTo("1");

    RedisServer replica = replicaOf(master);
    replica.command("CLUSTER", "FAILOVER");
    await().atMost(WAIT).until(() -> cluster.masterFor(channel).port() == replica.port());
    wakeUps.clear();

    // SPUBLISH counts the subscribers on the node it runs on: ours must be there.
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(200))
        .until(() -> "1".equals(replica.command("SPUBLISH", channel, "probe")));
    assertThat(wakeUps).contains(channel);
  }

  /**
   * With no master for a slot (all nodes forgot it), the driver's futures fail with a message that
   * says so; nothing throws (it used to be a NullPointerException).
   */
  @Test
  void noMasterForTheSlot_failsTheFutures_withAClearMessage_insteadOfThrowing() {
    assumeThat(RedisBinary.find().majorVersion())
        .as("slot-routed pub/sub")
        .isGreaterThanOrEqualTo(7);
    String channel = "{orphan}:wake";
    String slot = Integer.toString(SlotHash.getSlot(channel));
    for (RedisServer node : cluster.nodes()) {
      try {
        node.command("CLUSTER", "DELSLOTS", slot);
      } catch (RuntimeException e) {
        // a node that already forgot it
      }
    }
    // A command in that slot answers CLUSTERDOWN, which makes the driver read the topology again.
    driver
        .take(LockKeys.of("", "orphan"), "token", 10_000, new Taker("test", "test-client"))
        .handle((r, e) -> null);

    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(200))
        .untilAsserted(
            () ->
                assertThat(driver.subscribe(channel))
                    .failsWithin(WAIT)
                    .withThrowableThat()
                    .havingRootCause()
                    .isInstanceOf(IllegalStateException.class)
                    .withMessageContaining("no master serves slot " + slot));
  }

  /**
   * Right after a master dies and its replica is promoted, this client's view of the cluster stays
   * stale until it reads the topology again (Lettuce's own triggers come seconds later). A command
   * that fails on the dead master must be reported only once the view has been read again, so that
   * the caller's next try (a retried release, a renewal) goes to the new master. It used to go to
   * the dead one again and time out: a release right after a failover then failed
   * (ClusterFailoverTest, in CI).
   */
  @Test
  void aTryThatFailsOnADeadMaster_endsOnceTheTopologyIsReadAgain_soTheNextTryReachesTheNewMaster()
      throws Exception {
    LockKeys keys = LockKeys.of("", "moving:1");
    assertThat(
            driver
                .take(keys, "token", 60_000, new Taker("test", "test-client"))
                .get(WAIT.toMillis(), TimeUnit.MILLISECONDS)
                .acquired())
        .isTrue();
    RedisServer master = cluster.masterFor(keys.key());
    master.command("WAIT", "1", "2000");
    cluster.killMaster(master);
    cluster.awaitFailover(Timing.scaled(Duration.ofSeconds(30)));

    // The first try may still go to the dead master (and fail); the one right after it must not.
    Throwable firstTry =
        driver
            .extend(keys, "token", 60_000)
            .handle((ok, error) -> error)
            .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(driver.extend(keys, "token", 60_000))
        .as("the try right after a first try that failed with %s", firstTry)
        .succeedsWithin(WAIT)
        .isEqualTo(true);
  }

  private RedisServer replicaOf(RedisServer master) {
    return cluster.replicas().stream()
        .filter(r -> r.command("ROLE").contains(", " + master.port() + ","))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no replica of " + master));
  }
}
