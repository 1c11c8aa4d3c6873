package io.redmutex.redlock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.redmutex.Lease;
import io.redmutex.LockTimeoutException;
import io.redmutex.RedMutex;
import io.redmutex.RedisUnavailableException;
import io.redmutex.testkit.PrintRedisLogsOnFailure;
import io.redmutex.testkit.RedisServer;
import io.redmutex.testkit.RedlockMasters;
import io.redmutex.testkit.Timing;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Redlock over three independent masters under the faults it is meant to survive: a minority down,
 * a master restarted empty (no persistence), and the one it cannot: a majority down.
 */
@ExtendWith(PrintRedisLogsOnFailure.class)
class RedlockTest {
  private RedlockMasters redlock;
  private List<RedisServer> masters;
  private final List<RedMutex> clients = new ArrayList<>();

  @BeforeEach
  void start() {
    redlock = RedlockMasters.start(3, "redlock-secret");
    masters = redlock.masters();
  }

  @AfterEach
  void stop() {
    clients.forEach(RedMutex::close);
    redlock.close();
  }

  private RedMutex client(Consumer<RedMutex.Builder> options) {
    RedMutex.Builder builder =
        RedMutex.builder().uri(redlock.uri()).commandTimeout(Timing.scaled(Duration.ofMillis(500)));
    options.accept(builder);
    RedMutex client = builder.build();
    clients.add(client);
    return client;
  }

  private RedMutex client() {
    return client(b -> {});
  }

  @Test
  void minorityDown_acquireExcludeAndRelease_stillWork() {
    RedMutex a = client();
    RedMutex b = client();
    masters.get(2).kill();

    Lease lease = a.acquire("minority", Timing.scaled(Duration.ofSeconds(5)));

    assertThat(b.tryAcquire("minority")).isEmpty();
    assertThat(masters.get(0).command("EXISTS", "minority")).isEqualTo("1");
    assertThat(masters.get(1).command("EXISTS", "minority")).isEqualTo("1");
    lease.release();
    Lease next = b.acquire("minority", Timing.scaled(Duration.ofSeconds(5)));
    assertThat(next.fencingToken()).isGreaterThan(lease.fencingToken());
    next.release();
  }

  @Test
  void majorityDown_acquireFailsWithNoQuorum_andLeavesNothingHeld() {
    RedMutex a = client();
    masters.get(1).kill();
    masters.get(2).kill();

    assertThatThrownBy(() -> a.acquire("majority", Timing.scaled(Duration.ofSeconds(2))))
        .isInstanceOf(RedisUnavailableException.class)
        .isNotInstanceOf(LockTimeoutException.class)
        .hasMessageContaining("majority")
        .hasMessageContaining("no quorum of Redlock masters")
        .hasMessageContaining(":" + masters.get(1).port());
    // What the one live master took was given back.
    await().until(() -> masters.get(0).command("EXISTS", "majority").equals("0"));
  }

  @Test
  void busy_isALockTimeout_notAnOutage() {
    RedMutex a = client();
    RedMutex b = client();
    Lease lease = a.acquire("busy", Duration.ZERO);

    assertThatThrownBy(() -> b.acquire("busy", Duration.ofMillis(200)))
        .isInstanceOf(LockTimeoutException.class)
        .hasMessageContaining("held by another owner");
    lease.release();
  }

  @Test
  void masterRestartedEmpty_isTakenAgainByRenewal() {
    RedMutex a = client(b -> b.leaseTime(Duration.ofSeconds(1)));
    RedMutex other = client(); // connected while every master is up
    Lease lease = a.acquire("restarted", Duration.ZERO);
    String token = masters.get(1).command("GET", "restarted").split(" ")[0];

    masters.get(0).restart(); // SIGKILL and start again: no persistence, so empty

    await()
        .atMost(Timing.scaled(Duration.ofSeconds(20)))
        .until(
            () ->
                String.valueOf(masters.get(0).command("GET", "restarted")).startsWith(token + " "));
    assertThat(lease.isHeld()).isTrue();
    // Its lease now survives losing another master too.
    masters.get(1).kill();
    assertThat(other.tryAcquire("restarted")).isEmpty();
    lease.release();
    assertThat(masters.get(0).command("EXISTS", "restarted")).isEqualTo("0");
  }

  @Test
  void fencingToken_staysLarger_afterAMasterThatIssuedItRestartsEmpty() {
    // Masters 0 and 1 have counters an hour ahead of every clock, master 2 has none: any majority
    // includes 0 or 1, so the lease's token comes from their counters. Once written back to
    // master 2, it outlives master 0's restart without persistence, whatever majority comes next.
    long now = Long.parseLong(masters.get(0).command("TIME").replaceAll("^\\D*(\\d+).*$", "$1"));
    long ahead = (now + 3600) * 1_000_000L;
    for (RedisServer master : masters.subList(0, 2)) {
      master.command("SET", "redmutex:fence", Long.toString(ahead));
    }
    RedMutex a = client();
    Lease first = a.acquire("fenced", Duration.ZERO);
    assertThat(first.fencingToken()).isGreaterThan(ahead);
    first.release();
    // Written back to a majority before the lease was handed out, to the last master right after.
    for (RedisServer master : masters) {
      await()
          .ignoreExceptions() // "null" until its take ran
          .until(
              () -> Long.parseLong(master.command("GET", "redmutex:fence")),
              stored -> stored >= first.fencingToken());
    }

    masters.get(0).restart();
    Lease second = client().acquire("fenced", Timing.scaled(Duration.ofSeconds(5)));

    assertThat(second.fencingToken()).isGreaterThan(first.fencingToken());
    second.release();
    for (RedisServer master : masters) {
      master.command("DEL", "redmutex:fence"); // the other tests' tokens follow the clock again
    }
  }

  @Test
  void inspect_showsTheMajoritysView() {
    RedMutex a = client(b -> b.clientName("redlock-holder"));
    Lease lease = a.acquire("inspected", Duration.ZERO);
    masters.get(2).command("DEL", "inspected"); // a minority lost it: still held

    var info = client().inspect("inspected");

    assertThat(info.held()).isTrue();
    assertThat(info.fencingToken()).isEqualTo(lease.fencingToken());
    assertThat(info.holder()).get().asString().startsWith("redlock-holder on ");
    masters.get(1).command("DEL", "inspected"); // now a majority did: free
    assertThat(client().inspect("inspected").held()).isFalse();
  }

  @Test
  void badRedlockUris_failFast_withTheReason() {
    String two =
        "redlock://127.0.0.1:" + masters.get(0).port() + ",127.0.0.1:" + masters.get(1).port();
    assertThatThrownBy(() -> RedMutex.connect(two))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 3 independent masters");
    String twice = two + ",127.0.0.1:" + masters.get(0).port();
    assertThatThrownBy(() -> RedMutex.connect(twice))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("twice");
    assertThatThrownBy(() -> RedMutex.connect("redlock://h1:1,,h2:2"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("empty master address");
    assertThatThrownBy(
            () ->
                RedMutex.builder()
                    .uri(redlock.uri())
                    .waitForReplicas(1, Duration.ofSeconds(1))
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("redlock://");
    assertThatThrownBy(() -> RedMutex.connect(redlock.uri().replace("redlock-secret", "wrong")))
        .isInstanceOf(RedisUnavailableException.class)
        .hasMessageContaining("authentication failed");
  }
}
