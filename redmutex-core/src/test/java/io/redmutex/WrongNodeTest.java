package io.redmutex;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.redmutex.testkit.PrintRedisLogsOnFailure;
import io.redmutex.testkit.RedisServer;
import io.redmutex.testkit.SentinelGroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A {@code redis://} URI that reaches a replica or a Sentinel (issue 14, defects 1 and 2) is a
 * configuration error, reported by {@code connect}: not contention retried for ever ({@code
 * READONLY}), not an unknown {@code EVALSHA} on the first take.
 */
@ExtendWith(PrintRedisLogsOnFailure.class)
class WrongNodeTest {
  private static SentinelGroup group;

  @BeforeAll
  static void start() {
    group = SentinelGroup.builder().password("s3cret").start();
  }

  @AfterAll
  static void stop() {
    group.close();
  }

  @Test
  void connect_toAReplica_failsAtOnce_namingTheMasterAndTheSentinelUri() {
    RedisServer master = group.master();
    RedisServer replica = group.replicas().get(0);

    assertThatThrownBy(() -> RedMutex.connect(replica.uri()))
        .isInstanceOf(RedisUnavailableException.class)
        .hasMessage(
            "Redis at 127.0.0.1:"
                + replica.port()
                + " is a read-only replica of 127.0.0.1:"
                + master.port()
                + ": locks are taken on the master; behind Sentinel, use"
                + " redis-sentinel://[password@]SENTINEL_HOST:26379#MASTER_NAME");
  }

  @Test
  void connect_toASentinel_failsAtOnce_namingTheSentinelUri() {
    RedisServer sentinel = group.sentinels().get(0);

    assertThatThrownBy(() -> RedMutex.connect(sentinel.uri()))
        .isInstanceOf(RedisUnavailableException.class)
        .hasMessage(
            "Redis at 127.0.0.1:"
                + sentinel.port()
                + " is a Sentinel, not a data node: use redis-sentinel://[password@]127.0.0.1:"
                + sentinel.port()
                + "#mymaster");
  }

  @Test
  void connect_toTheMaster_works() throws Exception {
    try (RedMutex mutex = RedMutex.connect(group.master().uri());
        Lease lease = mutex.tryAcquire("wrong-node:master").orElseThrow()) {
      lease.release();
    }
  }
}
