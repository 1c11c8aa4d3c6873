package io.redmutex.hardening;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.redmutex.InsufficientReplicasException;
import io.redmutex.RedMutex;
import io.redmutex.RedisUnavailableException;
import io.redmutex.testkit.PrintRedisLogsOnFailure;
import io.redmutex.testkit.RedisServer;
import io.redmutex.testkit.TcpProxy;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Replication-safe acquire ({@code waitForReplicas}) where the scripts are not cached: a master and
 * a replica, without Sentinels (their hello messages, published on the master every 2 s, move the
 * replication offset and would make any WAIT count nothing by chance).
 */
@ExtendWith(PrintRedisLogsOnFailure.class)
class ReplicatedAcquireTest {
  private static RedisServer master;
  private static RedisServer replica;

  @BeforeAll
  static void start() {
    master = RedisServer.start();
    replica =
        RedisServer.builder().config("replicaof", master.host() + " " + master.port()).start();
  }

  @AfterAll
  static void stop() {
    replica.close();
    master.close();
  }

  /**
   * Issue 9, finding 1: after SCRIPT FLUSH the take falls back from EVALSHA to EVAL; the WAIT that
   * was pipelined behind the EVALSHA ran before the write and counted nothing. A take no replica
   * acknowledged must fail, not be reported replicated.
   */
  @Test
  void issue9_finding1_takeAfterScriptFlush_withTheReplicaFrozen_failsWithInsufficientReplicas() {
    String name = "replicated:" + System.nanoTime();
    try (RedMutex mutex =
        RedMutex.builder().uri(master.uri()).waitForReplicas(1, Duration.ofMillis(300)).build()) {
      await().until(() -> master.command("INFO", "replication").contains("connected_slaves:1"));
      master.command("SCRIPT", "FLUSH");
      // The replica acknowledged everything so far (the flush too): only the take is new.
      await().until(() -> master.command("WAIT", "1", "1000").equals("1"));
      replica.pause(); // the link stays up; nothing more is acknowledged
      try {
        assertThatThrownBy(() -> mutex.acquire(name, Duration.ZERO))
            .isInstanceOf(InsufficientReplicasException.class);
      } finally {
        replica.resume();
      }
      assertThat(master.command("EXISTS", name)).isEqualTo("0"); // given back
    }
  }

  /**
   * Issue 9, finding 4: a take whose outcome is unknown (its connection went silent) is given back
   * behind it on the same connection, so the release cannot run first and leave the lock held by
   * nobody for the lease time.
   */
  @Test
  void issue9_finding4_takeInDoubt_isGivenBackBehindIt_neverBeforeIt() {
    String name = "in-doubt:" + System.nanoTime();
    try (TcpProxy proxy = TcpProxy.start(master);
        RedMutex mutex =
            RedMutex.builder()
                .uri(proxy.uri())
                .commandTimeout(Duration.ofSeconds(2))
                .waitForReplicas(1, Duration.ofSeconds(1))
                .build()) {
      await().until(() -> master.command("INFO", "replication").contains("connected_slaves:1"));
      await().until(() -> master.command("WAIT", "1", "1000").equals("1")); // caught up
      mutex.acquire(name + ":warm-up", Duration.ZERO).release(); // a pooled connection is open
      String recordBefore = master.command("GET", "redmutex:fence");

      proxy.partition(TcpProxy.Mode.BLACKHOLE); // what is sent now arrives at the heal
      assertThatThrownBy(() -> mutex.acquire(name, Duration.ofSeconds(6)))
          .isInstanceOf(RedisUnavailableException.class);
      proxy.heal();

      // The take does run, late (it moves the fence record on: nothing else takes a lock on this
      // master meanwhile), and is undone behind it.
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  Long.parseLong(master.command("GET", "redmutex:fence"))
                      > Long.parseLong(recordBefore));
      await()
          .atMost(Duration.ofSeconds(15)) // the lease time is 30 s
          .until(() -> master.command("EXISTS", name).equals("0"));
    }
  }
}
