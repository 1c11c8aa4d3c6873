package io.redmutex.sentinel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.redmutex.InsufficientReplicasException;
import io.redmutex.Lease;
import io.redmutex.RedMutex;
import io.redmutex.RedisUnavailableException;
import io.redmutex.testkit.PrintRedisLogsOnFailure;
import io.redmutex.testkit.RedisServer;
import io.redmutex.testkit.SentinelGroup;
import io.redmutex.testkit.Timing;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Failovers under Sentinel: the group is new for every test, since each test kills its master.
 * Sentinels notice a dead master after about one second here ({@code down-after-milliseconds}).
 */
@ExtendWith(PrintRedisLogsOnFailure.class)
class SentinelFailoverTest {
  private SentinelGroup group;

  @BeforeEach
  void start() {
    group = SentinelGroup.start();
  }

  @AfterEach
  void stop() {
    group.close();
  }

  private static Duration scaled(Duration d) {
    return Timing.scaled(d);
  }

  private RedMutex client(Duration leaseTime) {
    return RedMutex.builder()
        .uri(group.uri())
        .leaseTime(leaseTime)
        .commandTimeout(Duration.ofMillis(500))
        .build();
  }

  @Test
  void afterMasterKilled_locksWorkAgain_withoutRestartingTheClient() {
    try (RedMutex mutex = client(Duration.ofSeconds(5))) {
      mutex.acquire("before", Duration.ZERO).release();
      RedisServer old = group.killMaster();

      // down-after (1 s) + election + reconnect; the acquire waits through it
      Lease lease = mutex.acquire("after", scaled(Duration.ofSeconds(20)));

      assertThat(lease.isHeld()).isTrue();
      assertThat(group.master().port()).isNotEqualTo(old.port());
      assertThat(group.master().command("EXISTS", "after")).isEqualTo("1");
      lease.release();
    }
  }

  @Test
  void waiter_keepsWaitingAcrossFailover_andGetsTheLockWhenReleased() throws Exception {
    try (RedMutex holder = client(Duration.ofSeconds(5));
        RedMutex waiter = client(Duration.ofSeconds(5))) {
      Lease held = holder.acquire("handed-over", Duration.ZERO);
      group.master().command("WAIT", "2", "2000"); // the key is on both replicas
      CompletableFuture<Lease> waiting =
          waiter.acquireAsync("handed-over", scaled(Duration.ofSeconds(30)));
      await().until(() -> waiter.inspect("handed-over").waitingClients() > 0);

      group.killMaster();
      group.awaitFailover(scaled(Duration.ofSeconds(30)));
      assertThat(waiting).isNotDone();
      held.release(); // on the new master, where the key survived

      Lease lease = waiting.get(scaled(Duration.ofSeconds(30)).toMillis(), TimeUnit.MILLISECONDS);
      assertThat(lease.fencingToken()).isGreaterThan(held.fencingToken());
      lease.release();
    }
  }

  /**
   * After a failover, a release wakes a waiter that subscribed before it: its pub/sub connection
   * reconnects to the master the Sentinels name (subscribing again, which wakes it). Without a
   * wake-up the waiter would retry only when the holder's key could have expired: never before the
   * lease time after the holder took the lock, since renewals push the expiry later. Getting the
   * lock before then proves it was woken.
   */
  @Test
  void afterFailover_aRelease_wakesAWaiterThatSubscribedBefore_longBeforeTheLeaseCouldRunOut()
      throws Exception {
    releaseWakesAWaiterAcross(
        () -> {
          group.killMaster();
          group.awaitFailover(scaled(Duration.ofSeconds(30)));
        });
  }

  /**
   * The same when the old master lives on and becomes a replica: a subscription left on it would
   * still hear releases (a replica gets every PUBLISH of its master, scripts' included), and if it
   * is dropped the pub/sub connection reconnects to the new master.
   */
  @Test
  void afterAFailoverThatKeepsTheOldMaster_aRelease_wakesAWaiterThatSubscribedBefore()
      throws Exception {
    releaseWakesAWaiterAcross(() -> group.failover());
  }

  /**
   * Right after {@code +switch-master} the old master may live on, still a master, for seconds (a
   * Sentinel demotes a reachable one after four hello periods, 8 s; an unreachable one only when
   * the partition heals): it does not replicate from the new master, so a subscription left there
   * hears no release made on the new one. The waiter's subscription moves to the new master before
   * the old one is demoted.
   */
  @Test
  void onSwitchMaster_theWakeUpSubscriptionMovesToTheNewMaster_beforeTheOldOneIsDemoted()
      throws Exception {
    Duration leaseTime = Duration.ofSeconds(20);
    try (RedMutex holder = client(leaseTime);
        RedMutex waiter = client(leaseTime)) {
      Lease held = holder.acquire("moving", Duration.ZERO);
      group.master().command("WAIT", "2", "2000");
      CompletableFuture<Lease> waiting = waiter.acquireAsync("moving", Duration.ofSeconds(60));
      await()
          .ignoreExceptionsInstanceOf(RedisUnavailableException.class)
          .until(() -> waiter.inspect("moving").waitingClients() > 0);
      RedisServer old = group.master();
      String channel = old.command("PUBSUB", "CHANNELS", "*moving*");
      channel = channel.substring(1, channel.length() - 1); // "[name]"

      RedisServer sentinel = group.sentinels().get(0);
      sentinel.command("SENTINEL", "FAILOVER", group.masterName());
      RedisServer promoted =
          await()
              .atMost(scaled(Duration.ofSeconds(20)))
              .until(() -> namedMaster(sentinel), m -> m != null && m.port() != old.port());
      String subscribedChannel = channel;
      await()
          .atMost(scaled(Duration.ofSeconds(20)))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> !promoted.command("PUBSUB", "NUMSUB", subscribedChannel).endsWith(" 0]"));
      assertThat(old.command("ROLE")).as("the old master, not yet demoted").startsWith("[master");

      held.release();
      Lease lease = waiting.get(60, TimeUnit.SECONDS);
      assertThat(lease.fencingToken()).isGreaterThan(held.fencingToken());
      lease.release();
    }
  }

  /** The master a Sentinel names now, or null if it names none of the group's nodes. */
  private RedisServer namedMaster(RedisServer sentinel) {
    String address = sentinel.command("SENTINEL", "GET-MASTER-ADDR-BY-NAME", group.masterName());
    return group.nodes().stream()
        .filter(n -> address != null && address.endsWith(", " + n.port() + "]"))
        .findFirst()
        .orElse(null);
  }

  private void releaseWakesAWaiterAcross(Runnable failover) throws Exception {
    Duration leaseTime = Duration.ofSeconds(20);
    try (RedMutex holder = client(leaseTime);
        RedMutex waiter = client(leaseTime)) {
      long takenAt = System.nanoTime();
      Lease held = holder.acquire("woken", Duration.ZERO);
      group.master().command("WAIT", "2", "2000");
      CompletableFuture<Lease> waiting = waiter.acquireAsync("woken", Duration.ofSeconds(60));
      await()
          .ignoreExceptionsInstanceOf(RedisUnavailableException.class)
          .until(() -> waiter.inspect("woken").waitingClients() > 0);

      failover.run();
      assertThat(waiting).isNotDone();
      long releasedAt = System.nanoTime();
      held.release(); // on the new master, where the key survived

      Lease lease = waiting.get(60, TimeUnit.SECONDS);
      long gotAt = System.nanoTime();
      assertThat(Duration.ofNanos(gotAt - takenAt))
          .as(
              "from the holder's take to the waiter's lease (release to lease: %s ms); the"
                  + " holder's key could not expire before %s",
              TimeUnit.NANOSECONDS.toMillis(gotAt - releasedAt), leaseTime)
          .isLessThan(leaseTime);
      assertThat(lease.fencingToken()).isGreaterThan(held.fencingToken());
      lease.release();
    }
  }

  @Test
  void lease_whoseKeyDidNotSurviveTheFailover_isReportedLost_beforeItsLeaseTimePasses() {
    // Renewal every 10 s. Found lost by the first renewal on the new master, not by running out
    // its 30 s lease: the wait below ends well before that.
    try (RedMutex mutex = client(Duration.ofSeconds(30))) {
      group.cutReplication();
      Lease lease = mutex.acquire("lost-in-failover", Duration.ZERO); // on the master only
      CountDownLatch lost = new CountDownLatch(1);
      lease.onLost(lost::countDown);
      long start = System.nanoTime();
      group.killMaster();
      group.resumeReplicas();
      group.awaitFailover(scaled(Duration.ofSeconds(30)));

      await().atMost(Duration.ofSeconds(25)).until(() -> lost.getCount() == 0);
      assertThat(lease.isHeld()).isFalse();
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
      assertThat(group.master().command("EXISTS", "lost-in-failover")).isEqualTo("0");
    }
  }

  @Test
  void fencingTokens_keepIncreasing_acrossAFailoverThatLostWrites() {
    try (RedMutex mutex = client(Duration.ofSeconds(5))) {
      mutex.acquire("fenced", Duration.ZERO).release();
      group.master().command("SET", "plain-counter", "0");
      group.master().command("WAIT", "2", "2000");

      group.cutReplication();
      long lastBefore = 0;
      for (int i = 0; i < 5; i++) {
        try (Lease lease = mutex.acquire("fenced", Duration.ZERO)) {
          lastBefore = lease.fencingToken();
        }
      }
      long plainBefore = Long.parseLong(group.master().command("INCR", "plain-counter"));
      group.killMaster();
      group.resumeReplicas();
      group.awaitFailover(scaled(Duration.ofSeconds(30)));

      Lease after = mutex.acquire("fenced", scaled(Duration.ofSeconds(20)));
      long plainAfter = Long.parseLong(group.master().command("INCR", "plain-counter"));

      // A plain INCR counter went backwards: the promoted replica never saw the last increment.
      assertThat(plainAfter).isLessThanOrEqualTo(plainBefore);
      // The hybrid fencing token did not.
      assertThat(after.fencingToken()).isGreaterThan(lastBefore);
      after.release();
    }
  }

  @Test
  void waitForReplicas_whenReplicasDoNotAcknowledge_givesTheLockBackAndSaysHowMany() {
    try (RedMutex mutex =
        RedMutex.builder().uri(group.uri()).waitForReplicas(1, Duration.ofMillis(300)).build()) {
      mutex.acquire("replicated", Duration.ZERO).release(); // replicas up: fine

      group.cutReplication();
      try {
        assertThatThrownBy(() -> mutex.acquire("replicated", Duration.ZERO))
            .isInstanceOf(InsufficientReplicasException.class)
            .hasMessageContaining("0 of 1 replicas")
            .satisfies(
                e -> {
                  InsufficientReplicasException ire = (InsufficientReplicasException) e;
                  assertThat(ire.acknowledged()).isZero();
                  assertThat(ire.wanted()).isEqualTo(1);
                });
        assertThat(group.master().command("EXISTS", "replicated")).isEqualTo("0");
      } finally {
        group.resumeReplicas();
      }
      await()
          .atMost(scaled(Duration.ofSeconds(20)))
          .ignoreExceptionsInstanceOf(InsufficientReplicasException.class)
          .until(() -> mutex.tryAcquire("replicated").map(l -> l.fencingToken() > 0).orElse(false));
    }
  }

  @Test
  void waitForReplicas_blocksOnlyItsOwnConnection() throws Exception {
    try (RedMutex mutex =
        RedMutex.builder()
            .uri(group.uri())
            .commandTimeout(scaled(Duration.ofSeconds(10))) // longer than the WAIT, when scaled
            .waitForReplicas(2, scaled(Duration.ofSeconds(3)))
            .build()) {
      group.cutReplication();
      try {
        CompletableFuture<Lease> slow = mutex.acquireAsync("slow", Duration.ZERO);
        // While that WAIT blocks its connection, the shared one still answers at once.
        assertThat(mutex.inspect("other").held()).isFalse();
        assertThat(slow).isNotDone();
        assertThatThrownBy(
                () -> slow.get(scaled(Duration.ofSeconds(10)).toMillis(), TimeUnit.MILLISECONDS))
            .hasCauseInstanceOf(InsufficientReplicasException.class);
      } finally {
        group.resumeReplicas();
      }
    }
  }

  @Test
  void badSentinelSettings_giveClearErrors() {
    String uri = group.uri();
    String wrongMaster = uri.substring(0, uri.indexOf('#')) + "#nosuchmaster";
    assertThatThrownBy(() -> RedMutex.connect(wrongMaster))
        .isInstanceOf(RedisUnavailableException.class)
        .hasMessageContaining("no Sentinel")
        .hasMessageContaining("'nosuchmaster'");

    String wrongPassword = uri.replace(group.password(), "wrong-password");
    assertThatThrownBy(() -> RedMutex.connect(wrongPassword))
        .isInstanceOf(RedisUnavailableException.class)
        .hasMessageContaining("authentication failed")
        .hasMessageNotContaining("wrong-password");

    String nobody = "redis-sentinel://127.0.0.1:1,127.0.0.1:2#mymaster";
    assertThatThrownBy(() -> RedMutex.connect(nobody))
        .isInstanceOf(RedisUnavailableException.class)
        .hasMessageContaining("cannot reach any Sentinel")
        .hasMessageContaining("127.0.0.1:1");

    assertThatThrownBy(() -> RedMutex.connect("redis-sentinel://127.0.0.1:26379"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("#mymaster");
  }
}
