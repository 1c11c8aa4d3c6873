package io.redmutex.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.redmutex.LockException;
import io.redmutex.LockListener;
import io.redmutex.LockTimeoutException;
import io.redmutex.RedMutex;
import io.redmutex.testkit.RedisServer;
import io.redmutex.testkit.RedlockMasters;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The lock contract with Redlock over three independent, password-protected masters ({@code
 * redlock://}). A lock's keys are on every master: the admin connection writes to all of them and
 * reads what a majority says, as Redlock does (a round ends once a majority answered, and a
 * minority may hold a stale key until it expires).
 */
class RedlockLockContractTest extends LockContractTest {
  private static final Set<String> WRITES = Set.of("SET", "DEL", "PEXPIRE", "HSET");
  private static final Set<String> MAJORITY_READS = Set.of("EXISTS", "GET");

  private static RedlockMasters redlock;
  private static List<RedisServer> masters;

  @BeforeAll
  static void startMasters() {
    redlock = RedlockMasters.start(3, "redlock-secret");
    masters = redlock.masters();
  }

  @AfterAll
  static void stopMasters() {
    redlock.close();
  }

  @Override
  protected String uri() {
    return redlock.uri();
  }

  @Override
  protected String admin(String... args) {
    String command = args[0].toUpperCase();
    if (WRITES.contains(command)) {
      List<String> replies = masters.stream().map(m -> m.command(args)).toList();
      return replies.get(0);
    }
    if (MAJORITY_READS.contains(command)) {
      return majority(args);
    }
    if (command.equals("PTTL")) {
      // A key without TTL on any master is what the contract forbids; else the time a majority
      // still has it.
      List<Long> ttls =
          masters.stream()
              .map(m -> Long.parseLong(m.command(args)))
              .sorted(Comparator.reverseOrder())
              .toList();
      return ttls.contains(-1L) ? "-1" : Long.toString(ttls.get(masters.size() / 2));
    }
    if (command.equals("KEYS")) {
      return masters.stream().map(m -> m.command(args)).collect(Collectors.joining("\n"));
    }
    return masters.get(0).command(args); // TIME, HGET, TYPE: one master's answer
  }

  /**
   * Deletes the key on every master, after first giving it to nobody on every master. Deleting
   * master after master is not a loss to a Redlock holder: a renewal between two deletes still wins
   * a majority and takes the key again where it was deleted (the repair for a master that restarted
   * empty), and on a loaded machine two renewals can give it back to a majority. A key held by
   * another token cannot be taken again, so once every master has one, every renewal fails; then
   * the keys go.
   */
  @Override
  protected void deleteKey() {
    masters.forEach(m -> m.command("SET", name(), "deleted-by-the-test", "PX", "60000"));
    masters.forEach(m -> m.command("DEL", name()));
  }

  /** The reply a majority of masters gives, or all replies joined when there is none. */
  private static String majority(String... args) {
    List<String> replies = masters.stream().map(m -> m.command(args)).toList();
    return replies.stream()
        .filter(r -> replies.stream().filter(r::equals).count() > masters.size() / 2)
        .findFirst()
        .orElse(String.join("\n", replies));
  }

  @Override
  protected List<String> clientLists() {
    return masters.stream().map(m -> m.command("CLIENT", "LIST")).toList();
  }

  /**
   * Issue 19: a split vote against the deadline. Two masters hold the lock for two other owners,
   * one each, so every take of this client wins one master only, is given back there, and is tried
   * again until the deadline ends the acquire, with a take or its give-back on the way. The acquire
   * times out, it is told once, and no master keeps this client's token.
   */
  @Test
  void splitVotes_untilTheDeadline_timeOut_toldOnce_andLeaveNoMasterHeld() {
    masters.get(0).command("SET", name(), "owner-elsewhere-1", "PX", "60000");
    masters.get(2).command("SET", name(), "owner-elsewhere-2", "PX", "60000");
    List<String> events = new CopyOnWriteArrayList<>();
    RedMutex client =
        client(
            b ->
                b.listener(
                    new LockListener() {
                      @Override
                      public void acquired(String n, long fence, Duration waited) {
                        events.add("acquired");
                      }

                      @Override
                      public void acquireFailed(String n, Duration waited, LockException e) {
                        events.add("failed:" + e.getClass().getSimpleName());
                      }
                    }));

    assertThatThrownBy(() -> client.acquire(name(), Duration.ofMillis(300)))
        .isInstanceOf(LockTimeoutException.class);

    await().until(() -> !events.isEmpty());
    assertThat(events).containsExactly("failed:LockTimeoutException");
    await().until(() -> masters.get(1).command("EXISTS", name()).equals("0"));
    assertThat(masters.get(0).command("GET", name())).isEqualTo("owner-elsewhere-1");
    assertThat(masters.get(2).command("GET", name())).isEqualTo("owner-elsewhere-2");
  }

  @Override
  protected RedisServer masterFor(String key) {
    return masters.get(0);
  }

  @Override
  protected boolean handsOff() {
    return false;
  }
}
