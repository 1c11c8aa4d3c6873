package io.redmutex.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.redmutex.Lease;
import io.redmutex.RedMutex;
import io.redmutex.testkit.RedisServer;
import io.redmutex.testkit.SentinelGroup;
import java.time.Duration;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A master, two replicas and three Sentinels behind one password, configured the way the Bitnami
 * chart's users configure Spring Data Redis: {@code spring.data.redis.sentinel.master/nodes},
 * {@code spring.data.redis.password} and {@code spring.data.redis.sentinel.password}.
 */
class SentinelConnectionTest extends ConnectionContractTest {
  private static SentinelGroup group;

  @BeforeAll
  static void startGroup() {
    group = SentinelGroup.builder().password("s3cret:@/%x").start();
  }

  @AfterAll
  static void stopGroup() {
    if (group != null) {
      group.close();
    }
  }

  @Override
  protected String[] springDataRedisProperties() {
    return new String[] {
      "spring.data.redis.sentinel.master=" + group.masterName(),
      "spring.data.redis.sentinel.nodes="
          + group.sentinels().stream()
              .map(s -> s.host() + ":" + s.port())
              .collect(Collectors.joining(",")),
      "spring.data.redis.password=" + group.password(),
      "spring.data.redis.sentinel.password=" + group.password()
    };
  }

  @Override
  protected String admin(String key, String... args) {
    return group.master().command(args);
  }

  @Override
  protected String clientList(String key) {
    return group.master().command("CLIENT", "LIST");
  }

  /** A scheduled-job-like bean. */
  static class Jobs {
    @Locked(name = "failover:job", waitTimeout = "10s")
    public long run() {
      return Locks.currentLease().fencingToken();
    }
  }

  @Test
  void afterTheMasterDies_lockedMethodsWorkAgain_withALargerFencingToken() {
    runner()
        .withConfiguration(
            org.springframework.boot.autoconfigure.AutoConfigurations.of(
                RedMutexActuatorAutoConfiguration.class))
        .withBean(Jobs.class)
        .run(
            context -> {
              Jobs jobs = context.getBean(Jobs.class);
              RedMutexHealthIndicator health = context.getBean(RedMutexHealthIndicator.class);
              long before = jobs.run();
              assertThat(health.health().getStatus().getCode()).isEqualTo("UP");
              RedisServer old = group.killMaster();
              try {
                group.awaitFailover(Duration.ofSeconds(60));
                long after =
                    org.awaitility.Awaitility.await()
                        .atMost(Duration.ofSeconds(60))
                        .ignoreExceptions()
                        .until(jobs::run, token -> token > 0);
                assertThat(after).isGreaterThan(before);
                org.awaitility.Awaitility.await()
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> health.health().getStatus().getCode().equals("UP"));
              } finally {
                group.restart(old); // back as a replica: the group has two again
              }
            });
  }

  @Test
  void waitForReplicas_fromProperties_isApplied() {
    runner()
        .withPropertyValues(
            "redmutex.wait-for-replicas.replicas=2",
            "redmutex.wait-for-replicas.timeout=5s",
            "redmutex.command-timeout=10s") // the WAIT must be shorter than the command timeout
        .run(
            context -> {
              RedMutex mutex = context.getBean(RedMutex.class);
              try (Lease lease = mutex.acquire("conn:replicated", Duration.ofSeconds(5))) {
                for (RedisServer replica : group.replicas()) {
                  assertThat(replica.command("EXISTS", "conn:replicated")).isEqualTo("1");
                }
              }
            });
  }
}
