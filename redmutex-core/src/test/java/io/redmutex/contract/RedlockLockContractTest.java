package io.redmutex.contract;

import io.redmutex.testkit.RedisServer;
import io.redmutex.testkit.RedlockMasters;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

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

  @Override
  protected RedisServer masterFor(String key) {
    return masters.get(0);
  }

  @Override
  protected boolean handsOff() {
    return false;
  }
}
