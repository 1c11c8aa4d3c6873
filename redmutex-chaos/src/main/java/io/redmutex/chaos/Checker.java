package io.redmutex.chaos;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Judges one run's history. Pure: no Redis, no clock; every check is a static method that the tests
 * drive with synthetic histories.
 */
final class Checker {
  private static final int MAX_EXAMPLES = 6;

  private Checker() {}

  /** Everything a run left for the checker. */
  record RunData(
      List<Op> ops,
      List<FaultRecord> faults,
      Map<String, Map<Register.Mode, Register.FinalState>> registers,
      int lockKeysLeft,
      int clientsNotStopped,
      int permits) {}

  static Findings check(RunData run) {
    List<Op> ops = run.ops();
    long origin = ops.stream().mapToLong(Op::invokeNanos).min().orElse(0);
    List<String> examples = new ArrayList<>();
    List<BelievedHold> holds = holds(ops);
    List<String> unfencedExamples = new ArrayList<>();

    int stale = 0;
    int fencedLost = 0;
    int ackMismatch = 0;
    int unfencedLost = 0;
    for (var lock : new TreeMap<>(run.registers()).entrySet()) {
      Register.FinalState fenced = lock.getValue().get(Register.Mode.FENCED);
      Register.FinalState unfenced = lock.getValue().get(Register.Mode.UNFENCED);
      if (fenced != null) {
        List<String> found = staleWrites(fenced.log());
        stale += found.size();
        found.forEach(f -> example(examples, "fenced '" + lock.getKey() + "': " + f));
        int lost = lostIncrements(fenced);
        fencedLost += lost;
        if (lost > 0) {
          example(
              examples,
              "fenced '"
                  + lock.getKey()
                  + "': "
                  + fenced.log().size()
                  + " accepted writes, final value "
                  + fenced.value());
        }
        String bounds = ackBounds(ops, lock.getKey(), Register.Mode.FENCED, fenced.value());
        if (bounds != null) {
          ackMismatch++;
          example(examples, "fenced '" + lock.getKey() + "': " + bounds);
        }
      }
      if (unfenced != null) {
        int lost = lostIncrements(unfenced);
        unfencedLost += lost;
        if (lost > 0 && unfencedExamples.size() < 4) {
          unfencedExamples.add(
              "unfenced '"
                  + lock.getKey()
                  + "': "
                  + unfenced.log().size()
                  + " accepted writes, final value "
                  + unfenced.value()
                  + ", "
                  + lost
                  + " increment(s) lost");
        }
      }
    }
    List<String> order = tokenOrder(ops, origin);
    order.forEach(o -> example(examples, o));
    // A semaphore's holders may overlap up to its permits: there, count more than that at once.
    List<BelievedHold[]> overlapping =
        run.permits() > 0
            ? List.of()
            : run.permits() == Workload.READ_WRITE ? readWriteOverlaps(holds) : overlaps(holds);
    List<String> overUnreported = new ArrayList<>();
    int overCapacity =
        run.permits() > 0
            ? overCapacity(holds, run.permits(), origin, unfencedExamples, overUnreported)
            : 0;
    overUnreported.forEach(u -> example(examples, u));
    overlapping.stream()
        .limit(2)
        .forEach(
            p ->
                unfencedExamples.add(
                    "lease " + describe(p[0], origin) + " overlapped " + describe(p[1], origin)));
    List<String> unreported = new ArrayList<>(unreportedLosses(overlapping, origin));
    unreported.addAll(overUnreported);
    unreported.forEach(u -> example(examples, u));
    List<String> slow = slowCalls(ops, run.faults(), origin);
    slow.forEach(s -> example(examples, s));
    int clientsNotStopped = run.clientsNotStopped();
    if (clientsNotStopped > 0) {
      example(examples, clientsNotStopped + " client(s) did not stop when told to");
    }
    if (run.lockKeysLeft() > 0) {
      example(examples, run.lockKeysLeft() + " lock key(s) still existed after the lease time");
    }
    return new Findings(
        count(ops, null),
        count(ops, Register.Mode.FENCED.label()),
        count(ops, Register.Mode.UNFENCED.label()),
        holds.size(),
        stale,
        fencedLost,
        ackMismatch,
        order.size(),
        (int)
            ops.stream()
                .filter(o -> o.register().equals(Register.Mode.FENCED.label()))
                .filter(o -> o.outcome() == Op.Outcome.FAIL)
                .count(),
        overlapping.size() + overCapacity,
        unfencedLost,
        slow.size(),
        run.lockKeysLeft(),
        clientsNotStopped,
        unreported.size(),
        (int) holds.stream().filter(BelievedHold::reportedLost).count(),
        recoveryMillis(ops, run.faults()),
        List.copyOf(examples),
        List.copyOf(unfencedExamples));
  }

  private static void example(List<String> examples, String text) {
    if (examples.size() < MAX_EXAMPLES) {
      examples.add(text);
    }
  }

  /** Calls on the lock ({@code register == null}) or on one register. */
  private static long count(List<Op> ops, String register) {
    return ops.stream()
        .filter(
            o ->
                register == null
                    ? o.kind() == Op.Kind.ACQUIRE || o.kind() == Op.Kind.RELEASE
                    : o.register().equals(register))
        .count();
  }

  /**
   * Every lease, from its successful acquire to the first of its release call and its loss
   * callback. A lease with neither (its client never got that far) is believed held until the last
   * event of the run.
   */
  static List<BelievedHold> holds(List<Op> ops) {
    long runEnd = ops.stream().mapToLong(Op::completeNanos).max().orElse(0);
    Map<String, Op> releases = new HashMap<>();
    Map<String, Op> losses = new HashMap<>();
    for (Op op : ops) {
      if (op.kind() == Op.Kind.RELEASE) {
        releases.put(leaseKey(op), op);
      } else if (op.kind() == Op.Kind.LOST) {
        losses.putIfAbsent(leaseKey(op), op);
      }
    }
    List<BelievedHold> holds = new ArrayList<>();
    for (Op op : ops) {
      if (!op.is(Op.Kind.ACQUIRE, Op.Outcome.OK)) {
        continue;
      }
      Op release = releases.get(leaseKey(op));
      Op lost = losses.get(leaseKey(op));
      long end = runEnd;
      if (release != null) {
        end = Math.min(end, release.invokeNanos());
      }
      if (lost != null) {
        end = Math.min(end, lost.invokeNanos());
      }
      boolean reported = lost != null || (release != null && release.outcome() == Op.Outcome.LOST);
      holds.add(
          new BelievedHold(op.client(), op.lock(), op.token(), op.completeNanos(), end, reported));
    }
    return holds;
  }

  private static String leaseKey(Op op) {
    return op.client() + "/" + op.lock() + "/" + op.token();
  }

  /** Pairs of leases of the same lock, by different holders, believed held at the same time. */
  static List<BelievedHold[]> overlaps(List<BelievedHold> holds) {
    List<BelievedHold> sorted = new ArrayList<>(holds);
    sorted.sort(Comparator.comparingLong(BelievedHold::startNanos));
    List<BelievedHold[]> pairs = new ArrayList<>();
    Map<String, List<BelievedHold>> active = new HashMap<>();
    for (BelievedHold hold : sorted) {
      List<BelievedHold> open = active.computeIfAbsent(hold.lock(), k -> new ArrayList<>());
      open.removeIf(h -> h.endNanos() <= hold.startNanos());
      for (BelievedHold other : open) {
        if (other.client() != hold.client() || other.token() != hold.token()) {
          pairs.add(new BelievedHold[] {other, hold});
        }
      }
      open.add(hold);
    }
    return pairs;
  }

  /**
   * For read-write locks: pairs of holds of the same lock, by different holders, believed held at
   * the same time, at least one of them a write (read holds carry {@link Workload#READ_SUFFIX}).
   */
  static List<BelievedHold[]> readWriteOverlaps(List<BelievedHold> holds) {
    Set<String> reads = new HashSet<>();
    List<BelievedHold> byLock = new ArrayList<>();
    for (BelievedHold h : holds) {
      if (h.lock().endsWith(Workload.READ_SUFFIX)) {
        reads.add(h.client() + "/" + h.token());
      }
      byLock.add(
          new BelievedHold(
              h.client(),
              h.lock().replace(Workload.READ_SUFFIX, ""),
              h.token(),
              h.startNanos(),
              h.endNanos(),
              h.reportedLost()));
    }
    List<BelievedHold[]> pairs = new ArrayList<>();
    for (BelievedHold[] pair : overlaps(byLock)) {
      if (!reads.contains(pair[0].client() + "/" + pair[0].token())
          || !reads.contains(pair[1].client() + "/" + pair[1].token())) {
        pairs.add(pair);
      }
    }
    return pairs;
  }

  /**
   * For semaphores of {@code permits} permits: each acquisition after which more than {@code
   * permits} leases of its semaphore were believed held at once (the calibration figure). The
   * semaphore itself admits at most {@code permits}, so one of those holders must have lost its
   * permit and must have been told: where none was, a description goes to {@code unreported}.
   */
  static int overCapacity(
      List<BelievedHold> holds,
      int permits,
      long origin,
      List<String> examples,
      List<String> unreported) {
    List<BelievedHold> sorted = new ArrayList<>(holds);
    sorted.sort(Comparator.comparingLong(BelievedHold::startNanos));
    Map<String, List<BelievedHold>> active = new HashMap<>();
    int count = 0;
    for (BelievedHold hold : sorted) {
      List<BelievedHold> open = active.computeIfAbsent(hold.lock(), k -> new ArrayList<>());
      open.removeIf(h -> h.endNanos() <= hold.startNanos());
      open.add(hold);
      if (open.size() > permits) {
        count++;
        if (examples.size() < 4) {
          examples.add(
              open.size()
                  + " believed holders of a "
                  + permits
                  + "-permit semaphore when "
                  + describe(hold, origin)
                  + " began");
        }
        if (open.stream().noneMatch(BelievedHold::reportedLost)) {
          unreported.add(
              open.size()
                  + " believed holders of a "
                  + permits
                  + "-permit semaphore when "
                  + describe(hold, origin)
                  + " began, and none of them was told it had lost its permit");
        }
      }
    }
    return count;
  }

  /**
   * In each overlapping pair, the lease with the smaller token is the one the lock no longer
   * protected: its holder must have been told. Returns a description of each pair where it was not.
   */
  static List<String> unreportedLosses(List<BelievedHold[]> pairs, long origin) {
    List<String> found = new ArrayList<>();
    Set<BelievedHold> seen = new HashSet<>();
    for (BelievedHold[] pair : pairs) {
      BelievedHold older = pair[0].token() <= pair[1].token() ? pair[0] : pair[1];
      BelievedHold newer = older == pair[0] ? pair[1] : pair[0];
      if (!older.reportedLost() && seen.add(older)) {
        found.add(
            "lease "
                + describe(older, origin)
                + " overlapped "
                + describe(newer, origin)
                + " but its holder was never told it was lost");
      }
    }
    return found;
  }

  /**
   * Fencing tokens in real-time order (Hazelcast FencedLock's model): an acquisition that began
   * after another one of the same lock had returned must carry a larger token, and no two
   * acquisitions share one. Returns a description of each acquisition that breaks this.
   */
  static List<String> tokenOrder(List<Op> ops, long origin) {
    Map<String, List<Op>> byLock = new HashMap<>();
    for (Op op : ops) {
      if (op.is(Op.Kind.ACQUIRE, Op.Outcome.OK)) {
        byLock.computeIfAbsent(op.lock(), k -> new ArrayList<>()).add(op);
      }
    }
    List<String> found = new ArrayList<>();
    for (List<Op> acquires : new TreeMap<>(byLock).values()) {
      List<Op> byInvoke = new ArrayList<>(acquires);
      byInvoke.sort(Comparator.comparingLong(Op::invokeNanos));
      List<Op> byComplete = new ArrayList<>(acquires);
      byComplete.sort(Comparator.comparingLong(Op::completeNanos));
      Map<Long, Op> tokens = new HashMap<>();
      Op maxDone = null;
      int done = 0;
      for (Op op : byInvoke) {
        while (done < byComplete.size()
            && byComplete.get(done).completeNanos() < op.invokeNanos()) {
          Op finished = byComplete.get(done++);
          if (maxDone == null || finished.token() > maxDone.token()) {
            maxDone = finished;
          }
        }
        Op twin = tokens.putIfAbsent(op.token(), op);
        if (twin != null) {
          found.add(
              "two acquisitions of '"
                  + op.lock()
                  + "' got fencing token "
                  + op.token()
                  + ": "
                  + describe(twin, origin)
                  + " and "
                  + describe(op, origin));
        } else if (maxDone != null && op.token() <= maxDone.token()) {
          found.add(
              "acquisition "
                  + describe(op, origin)
                  + " began after "
                  + describe(maxDone, origin)
                  + " had returned, yet got a token that is not larger");
        }
      }
    }
    return found;
  }

  /**
   * Accepted writes of the fenced register whose token is not larger than the previous accepted
   * write's (every lease writes at most once, so tokens must strictly increase along the log).
   */
  static List<String> staleWrites(List<Register.LoggedWrite> log) {
    List<String> found = new ArrayList<>();
    for (int i = 1; i < log.size(); i++) {
      Register.LoggedWrite before = log.get(i - 1);
      Register.LoggedWrite write = log.get(i);
      if (write.token() <= before.token()) {
        found.add(
            "accepted write #"
                + (i + 1)
                + " (client "
                + write.client()
                + ", token "
                + write.token()
                + ", value "
                + write.value()
                + ") came after write #"
                + i
                + " (client "
                + before.client()
                + ", token "
                + before.token()
                + ", value "
                + before.value()
                + ")");
      }
    }
    return found;
  }

  /**
   * Increments the register lost: every accepted write wrote what its writer read plus one, so
   * without lost updates the final value equals the number of accepted writes.
   */
  static int lostIncrements(Register.FinalState state) {
    return (int) Math.max(0, state.log().size() - state.value());
  }

  /**
   * The clients' view of a register against its final value: at least every acknowledged increment,
   * at most those plus the ones whose outcome is unknown. Null if within, else why not.
   */
  static String ackBounds(List<Op> ops, String lock, Register.Mode mode, long finalValue) {
    long acked = 0;
    long unknown = 0;
    for (Op op : ops) {
      if (op.kind() == Op.Kind.WRITE
          && op.lock().equals(lock)
          && op.register().equals(mode.label())) {
        if (op.outcome() == Op.Outcome.OK) {
          acked++;
        } else if (op.outcome() == Op.Outcome.UNKNOWN) {
          unknown++;
        }
      }
    }
    if (finalValue < acked || finalValue > acked + unknown) {
      return "final value "
          + finalValue
          + " is outside ["
          + acked
          + ", "
          + (acked + unknown)
          + "]: "
          + acked
          + " acknowledged increments, "
          + unknown
          + " of unknown outcome";
    }
    return null;
  }

  /**
   * Calls that took longer than their budget (their wait plus the command timeout slack), not
   * counting the time their own process was frozen by the nemesis.
   */
  static List<String> slowCalls(List<Op> ops, List<FaultRecord> faults, long origin) {
    List<String> found = new ArrayList<>();
    for (Op op : ops) {
      if (op.budgetNanos() <= 0) {
        continue; // THINK and LOST are not calls
      }
      long frozen = 0;
      for (FaultRecord fault : faults) {
        frozen += fault.frozeWithin(op.client(), op.invokeNanos(), op.completeNanos());
      }
      if (op.durationNanos() - frozen > op.budgetNanos()) {
        found.add(
            describe(op, origin)
                + " took "
                + millis(op.durationNanos())
                + " ms, more than its "
                + millis(op.budgetNanos())
                + " ms"
                + (frozen > 0 ? " (after discounting " + millis(frozen) + " ms frozen)" : ""));
      }
    }
    return found;
  }

  /**
   * For each fault, how long until a client it did not hit acquired a lease after it was injected:
   * the time the lock was unusable. Faults after which no lease was taken are left out.
   */
  static List<Long> recoveryMillis(List<Op> ops, List<FaultRecord> faults) {
    List<Long> recoveries = new ArrayList<>();
    for (FaultRecord fault : faults) {
      ops.stream()
          .filter(o -> o.is(Op.Kind.ACQUIRE, Op.Outcome.OK))
          .filter(o -> o.client() != fault.client())
          .filter(o -> o.completeNanos() > fault.startNanos())
          .mapToLong(Op::completeNanos)
          .min()
          .ifPresent(t -> recoveries.add(millis(t - fault.startNanos())));
    }
    return recoveries;
  }

  private static String describe(Op op, long origin) {
    return op.kind()
        + (op.register().equals(Op.NO_REGISTER) ? "" : " " + op.register())
        + " by client "
        + op.client()
        + " on '"
        + op.lock()
        + "' token "
        + op.token()
        + " "
        + op.outcome()
        + " ["
        + millis(op.invokeNanos() - origin)
        + ".."
        + millis(op.completeNanos() - origin)
        + " ms]";
  }

  private static String describe(BelievedHold hold, long origin) {
    return "client "
        + hold.client()
        + " on '"
        + hold.lock()
        + "' token "
        + hold.token()
        + " held ["
        + millis(hold.startNanos() - origin)
        + ".."
        + millis(hold.endNanos() - origin)
        + " ms]"
        + (hold.reportedLost() ? " reported lost" : "");
  }

  private static long millis(long nanos) {
    return nanos / 1_000_000;
  }
}
