package io.redmutex.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * What every client of a run does, and with which settings: take one of {@code locks}, read both
 * registers, hold the lock for a while ({@link Holds}), write both registers, release; again until
 * told to stop, for at most {@code maxIterations} leases.
 *
 * @param waitForReplicas 0 for none
 * @param permits 0 to lock {@code locks} as mutexes; N to take permits of semaphores of N permits
 *     by those names instead (holders then only think: N of them share no register); {@link
 *     #READ_WRITE} to take read-write locks by those names, one take in {@link #WRITE_SHARE}
 *     writing (writers update the registers as a lock's holders do; readers only think)
 * @param threadsPerClient threads that run this loop on each client's one {@code RedMutex}: with
 *     more than one, a release often finds a waiter in its own client (a local hand-off)
 */
record Workload(
    List<String> locks,
    Duration leaseTime,
    Duration commandTimeout,
    Duration waitTimeout,
    int waitForReplicas,
    Duration replicaTimeout,
    Duration registerTimeout,
    Holds holds,
    int maxGapMillis,
    int maxIterations,
    int permits,
    int threadsPerClient) {

  /** One thread per client. */
  Workload(
      List<String> locks,
      Duration leaseTime,
      Duration commandTimeout,
      Duration waitTimeout,
      int waitForReplicas,
      Duration replicaTimeout,
      Duration registerTimeout,
      Holds holds,
      int maxGapMillis,
      int maxIterations,
      int permits) {
    this(
        locks,
        leaseTime,
        commandTimeout,
        waitTimeout,
        waitForReplicas,
        replicaTimeout,
        registerTimeout,
        holds,
        maxGapMillis,
        maxIterations,
        permits,
        1);
  }

  /** This workload with {@code threads} threads per client. */
  Workload withThreadsPerClient(int threads) {
    return new Workload(
        locks,
        leaseTime,
        commandTimeout,
        waitTimeout,
        waitForReplicas,
        replicaTimeout,
        registerTimeout,
        holds,
        maxGapMillis,
        maxIterations,
        permits,
        threads);
  }

  /**
   * How long a holder works between its reads and its writes: mostly {@code shortMin..shortMax} ms,
   * with probability {@code longShare} {@code longMin..longMax} ms (long holds are what a failover
   * or a pause catches a holder in the middle of).
   */
  record Holds(int shortMin, int shortMax, double longShare, int longMin, int longMax) {
    long next(Random random) {
      boolean isLong = random.nextDouble() < longShare;
      int min = isLong ? longMin : shortMin;
      int max = isLong ? longMax : shortMax;
      return min + (max > min ? random.nextInt(max - min + 1) : 0);
    }
  }

  /** {@code permits} for read-write locks. */
  static final int READ_WRITE = -1;

  /** The share of a read-write workload's takes that are writes. */
  static final double WRITE_SHARE = 0.2;

  /** What a read hold's events carry as their lock: the lock name and this suffix. */
  static final String READ_SUFFIX = "#read";

  /** Slack on top of a call's own wait: the command timeout plus a second for a loaded machine. */
  Duration slack() {
    return commandTimeout.plusSeconds(1);
  }

  /** The longest an acquire may take: its wait plus the slack. */
  Duration acquireBudget() {
    return waitTimeout.plus(slack());
  }

  /**
   * The longest a release may take: it retries an unanswered compare-and-delete for up to twice the
   * command timeout, and the last try may itself take twice the command timeout plus a second (the
   * core's bound on one command), plus the slack.
   */
  Duration releaseBudget() {
    return commandTimeout.multipliedBy(4).plusSeconds(1).plus(slack());
  }

  /** The longest a register call may take (the register is never faulted). */
  Duration registerBudget() {
    return registerTimeout.plus(slack());
  }

  /** This workload as {@code key=value} arguments, for a worker JVM. */
  List<String> toArgs() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("locks", String.join(",", locks));
    m.put("leaseMs", Long.toString(leaseTime.toMillis()));
    m.put("commandTimeoutMs", Long.toString(commandTimeout.toMillis()));
    m.put("waitMs", Long.toString(waitTimeout.toMillis()));
    m.put("waitForReplicas", Integer.toString(waitForReplicas));
    m.put("replicaTimeoutMs", Long.toString(replicaTimeout.toMillis()));
    m.put("registerTimeoutMs", Long.toString(registerTimeout.toMillis()));
    m.put(
        "holds",
        holds.shortMin()
            + ","
            + holds.shortMax()
            + ","
            + holds.longShare()
            + ","
            + holds.longMin()
            + ","
            + holds.longMax());
    m.put("maxGapMs", Integer.toString(maxGapMillis));
    m.put("maxIterations", Integer.toString(maxIterations));
    m.put("permits", Integer.toString(permits));
    m.put("threads", Integer.toString(threadsPerClient));
    List<String> args = new ArrayList<>();
    m.forEach((k, v) -> args.add(k + "=" + v));
    return args;
  }

  /** The inverse of {@link #toArgs()}. */
  static Workload fromArgs(Map<String, String> a) {
    String[] h = a.get("holds").split(",");
    return new Workload(
        List.of(a.get("locks").split(",")),
        Duration.ofMillis(Long.parseLong(a.get("leaseMs"))),
        Duration.ofMillis(Long.parseLong(a.get("commandTimeoutMs"))),
        Duration.ofMillis(Long.parseLong(a.get("waitMs"))),
        Integer.parseInt(a.get("waitForReplicas")),
        Duration.ofMillis(Long.parseLong(a.get("replicaTimeoutMs"))),
        Duration.ofMillis(Long.parseLong(a.get("registerTimeoutMs"))),
        new Holds(
            Integer.parseInt(h[0]),
            Integer.parseInt(h[1]),
            Double.parseDouble(h[2]),
            Integer.parseInt(h[3]),
            Integer.parseInt(h[4])),
        Integer.parseInt(a.get("maxGapMs")),
        Integer.parseInt(a.get("maxIterations")),
        Integer.parseInt(a.get("permits")),
        Integer.parseInt(a.get("threads")));
  }
}
