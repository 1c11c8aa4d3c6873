package io.redmutex.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.redmutex.chaos.Op.Kind;
import io.redmutex.chaos.Op.Outcome;
import io.redmutex.chaos.Register.FinalState;
import io.redmutex.chaos.Register.LoggedWrite;
import io.redmutex.chaos.Register.Mode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The checker on synthetic histories: what it must flag, and what it must not. */
class CheckerTest {
  private static final String LOCK = "l";
  private static final long MS = 1_000_000L;
  private static final long BUDGET = 5_000 * MS;

  /** A history builder: times in ms. */
  private static final class H {
    final List<Op> ops = new ArrayList<>();

    H acquire(int client, long token, long invokeMs, long okMs) {
      ops.add(op(client, Kind.ACQUIRE, "-", invokeMs, okMs, Outcome.OK, token, 0));
      return this;
    }

    H rmw(int client, long token, Mode mode, long value, long atMs, Outcome writeOutcome) {
      ops.add(op(client, Kind.READ, mode.label(), atMs, atMs + 1, Outcome.OK, token, value - 1));
      ops.add(op(client, Kind.WRITE, mode.label(), atMs + 2, atMs + 3, writeOutcome, token, value));
      return this;
    }

    H release(int client, long token, long atMs, Outcome outcome) {
      ops.add(op(client, Kind.RELEASE, "-", atMs, atMs + 1, outcome, token, 0));
      return this;
    }

    H lost(int client, long token, long atMs) {
      ops.add(new Op(client, Kind.LOST, LOCK, "-", atMs * MS, atMs * MS, Outcome.OK, token, 0, 0));
      return this;
    }

    static Op op(
        int client,
        Kind kind,
        String reg,
        long invokeMs,
        long completeMs,
        Outcome outcome,
        long token,
        long value) {
      return new Op(
          client, kind, LOCK, reg, invokeMs * MS, completeMs * MS, outcome, token, value, BUDGET);
    }
  }

  private static FinalState state(long value, long... tokens) {
    List<LoggedWrite> log = new ArrayList<>();
    for (int i = 0; i < tokens.length; i++) {
      log.add(new LoggedWrite(tokens[i], i + 1, 0));
    }
    return new FinalState(value, log);
  }

  private static Findings check(H h, FinalState fenced, FinalState unfenced) {
    return Checker.check(
        new Checker.RunData(
            h.ops,
            List.of(),
            Map.of(LOCK, Map.of(Mode.FENCED, fenced, Mode.UNFENCED, unfenced)),
            0,
            0,
            0));
  }

  private static Findings checkSemaphore(H h, int permits) {
    return Checker.check(new Checker.RunData(h.ops, List.of(), Map.of(), 0, 0, permits));
  }

  @Test
  void readWrite_readersOverlapping_areNot_aReaderBesideAWriterIs() {
    String read = LOCK + Workload.READ_SUFFIX;
    List<BelievedHold> readers =
        List.of(
            new BelievedHold(0, read, 100, 0, 10, false),
            new BelievedHold(1, read, 200, 5, 15, false));
    assertThat(Checker.readWriteOverlaps(readers)).isEmpty();

    List<BelievedHold> withWriter =
        List.of(
            new BelievedHold(0, read, 100, 0, 30, true), // paused, told late
            new BelievedHold(1, LOCK, 200, 20, 25, false));
    List<BelievedHold[]> pairs = Checker.readWriteOverlaps(withWriter);
    assertThat(pairs).hasSize(1);
    assertThat(Checker.unreportedLosses(pairs, 0)).isEmpty();
    assertThat(
            Checker.unreportedLosses(
                Checker.readWriteOverlaps(
                    List.of(
                        new BelievedHold(0, read, 100, 0, 30, false),
                        new BelievedHold(1, LOCK, 200, 20, 25, false))),
                0))
        .hasSize(1);
  }

  @Test
  void semaphore_upToItsPermitsAtOnce_isNotFlagged() {
    H h =
        new H()
            .acquire(0, 100, 0, 1)
            .acquire(1, 200, 0, 2)
            .release(0, 100, 10, Outcome.OK)
            .acquire(2, 300, 3, 11)
            .release(1, 200, 12, Outcome.OK)
            .release(2, 300, 20, Outcome.OK);

    Findings f = checkSemaphore(h, 2);

    assertThat(f.unfencedViolations()).isZero();
    assertThat(f.mustHoldViolations()).isZero();
  }

  @Test
  void semaphore_moreBelievedHoldersThanPermits_isCounted_andFlaggedWhenNobodyWasTold() {
    // Client 0 is paused holding a permit; its permit expires, client 2 takes it.
    H told =
        new H()
            .acquire(0, 100, 0, 1)
            .acquire(1, 200, 0, 2)
            .acquire(2, 300, 3, 30)
            .lost(0, 100, 40)
            .release(0, 100, 41, Outcome.LOST)
            .release(1, 200, 50, Outcome.OK)
            .release(2, 300, 50, Outcome.OK);
    H untold =
        new H()
            .acquire(0, 100, 0, 1)
            .acquire(1, 200, 0, 2)
            .acquire(2, 300, 3, 30)
            .release(0, 100, 41, Outcome.OK)
            .release(1, 200, 50, Outcome.OK)
            .release(2, 300, 50, Outcome.OK);

    Findings calibration = checkSemaphore(told, 2);
    assertThat(calibration.unfencedViolations()).isOne();
    assertThat(calibration.mustHoldViolations()).isZero();

    Findings broken = checkSemaphore(untold, 2);
    assertThat(broken.unfencedViolations()).isOne();
    assertThat(broken.unreportedLosses()).isOne();
    assertThat(broken.examples()).anyMatch(e -> e.contains("none of them was told"));
  }

  /** Two clients taking turns, with increasing tokens and every increment kept. */
  private static H cleanHistory() {
    return new H()
        .acquire(0, 100, 0, 1)
        .rmw(0, 100, Mode.FENCED, 1, 2, Outcome.OK)
        .rmw(0, 100, Mode.UNFENCED, 1, 6, Outcome.OK)
        .release(0, 100, 10, Outcome.OK)
        .acquire(1, 200, 5, 12)
        .rmw(1, 200, Mode.FENCED, 2, 13, Outcome.OK)
        .rmw(1, 200, Mode.UNFENCED, 2, 17, Outcome.OK)
        .release(1, 200, 21, Outcome.OK);
  }

  @Test
  void cleanHistory_isNotFlagged() {
    Findings f = check(cleanHistory(), state(2, 100, 200), state(2, 100, 200));

    assertThat(f.mustHoldViolations()).isZero();
    assertThat(f.unfencedViolations()).isZero();
    assertThat(f.leases()).isEqualTo(2);
    assertThat(f.lockCalls()).isEqualTo(4);
    assertThat(f.fencedCalls()).isEqualTo(4);
    assertThat(f.examples()).isEmpty();
  }

  @Test
  void acceptedWriteWithStaleToken_isFlagged() {
    List<String> found =
        Checker.staleWrites(
            List.of(
                new LoggedWrite(100, 1, 0),
                new LoggedWrite(300, 2, 1),
                new LoggedWrite(200, 3, 0)));

    assertThat(found).hasSize(1);
    assertThat(found.get(0)).contains("token 200").contains("token 300");
  }

  @Test
  void acceptedWritesWithTheSameToken_areFlagged_everyLeaseWritesOnce() {
    assertThat(Checker.staleWrites(List.of(new LoggedWrite(5, 1, 0), new LoggedWrite(5, 2, 1))))
        .hasSize(1);
  }

  @Test
  void staleFencedWrite_inAFullHistory_failsTheMustHoldChecks() {
    // The register logged a write with token 100 after one with 200: the fenced script let a stale
    // holder through (or tokens repeated). Its value 2 overwrote 2: one increment lost too.
    FinalState fenced =
        new FinalState(2, List.of(new LoggedWrite(200, 1, 1), new LoggedWrite(100, 1, 0)));

    Findings f = check(cleanHistory(), fenced, state(2, 100, 200));

    assertThat(f.staleWritesAccepted()).isEqualTo(1);
    assertThat(f.mustHoldViolations()).isPositive();
    assertThat(f.examples()).anyMatch(e -> e.contains("token 100"));
  }

  @Test
  void lostIncrements_areAcceptedWritesMinusTheFinalValue() {
    assertThat(Checker.lostIncrements(state(3, 1, 2, 3))).isZero();
    assertThat(Checker.lostIncrements(state(2, 1, 2, 3))).isEqualTo(1);
  }

  @Test
  void acknowledgedIncrements_boundTheFinalValue_unknownWritesMayOrMayNotHaveApplied() {
    H h =
        new H()
            .rmw(0, 1, Mode.FENCED, 1, 0, Outcome.OK)
            .rmw(0, 2, Mode.FENCED, 2, 10, Outcome.OK)
            .rmw(0, 3, Mode.FENCED, 3, 20, Outcome.UNKNOWN)
            .rmw(0, 4, Mode.FENCED, 3, 30, Outcome.FAIL);

    assertThat(Checker.ackBounds(h.ops, LOCK, Mode.FENCED, 2)).isNull();
    assertThat(Checker.ackBounds(h.ops, LOCK, Mode.FENCED, 3)).isNull();
    assertThat(Checker.ackBounds(h.ops, LOCK, Mode.FENCED, 1)).contains("outside [2, 3]");
    assertThat(Checker.ackBounds(h.ops, LOCK, Mode.FENCED, 4)).contains("outside [2, 3]");
  }

  @Test
  void overlaps_countEachPairOfLeasesBelievedHeldAtOnce() {
    List<BelievedHold> holds =
        List.of(
            new BelievedHold(0, LOCK, 1, 0, 300, true), // long: overlaps the next two
            new BelievedHold(1, LOCK, 2, 50, 100, false),
            new BelievedHold(2, LOCK, 3, 150, 200, false),
            new BelievedHold(1, LOCK, 4, 300, 400, false), // starts as the first ends: no overlap
            new BelievedHold(2, "other", 5, 50, 100, false)); // another lock

    assertThat(Checker.overlaps(holds)).hasSize(2);
  }

  @Test
  void believedHold_endsAtTheLossCallbackOrTheReleaseCall_whicheverComesFirst() {
    H h =
        new H()
            .acquire(0, 1, 0, 10)
            .lost(0, 1, 50)
            .release(0, 1, 80, Outcome.LOST)
            .acquire(1, 2, 20, 60)
            .release(1, 2, 70, Outcome.OK);

    List<BelievedHold> holds = Checker.holds(h.ops);

    assertThat(holds)
        .containsExactly(
            new BelievedHold(0, LOCK, 1, 10 * MS, 50 * MS, true),
            new BelievedHold(1, LOCK, 2, 60 * MS, 70 * MS, false));
    assertThat(Checker.overlaps(holds)).isEmpty();
  }

  @Test
  void overlappedLease_whoseHolderWasNeverTold_isFlagged_andOneThatWasTold_isNot() {
    H told =
        new H()
            .acquire(0, 1, 0, 1)
            .acquire(1, 2, 2, 5)
            .release(1, 2, 8, Outcome.OK)
            .release(0, 1, 10, Outcome.LOST);
    H untold =
        new H()
            .acquire(0, 1, 0, 1)
            .acquire(1, 2, 2, 5)
            .release(1, 2, 8, Outcome.OK)
            .release(0, 1, 10, Outcome.UNKNOWN);

    Findings reported = check(told, state(0), state(0));
    Findings unreported = check(untold, state(0), state(0));

    assertThat(reported.overlappingPairs()).isEqualTo(1);
    assertThat(reported.unreportedLosses()).isZero();
    assertThat(reported.leasesReportedLost()).isEqualTo(1);
    assertThat(unreported.overlappingPairs()).isEqualTo(1);
    assertThat(unreported.unreportedLosses()).isEqualTo(1);
    assertThat(unreported.examples()).anyMatch(e -> e.contains("never told"));
  }

  @Test
  void tokenOrder_flagsAnAcquisitionThatBeganAfterAnotherReturned_withASmallerToken() {
    H h = new H().acquire(0, 500, 0, 10).acquire(1, 400, 20, 30);

    assertThat(Checker.tokenOrder(h.ops, 0)).singleElement().asString().contains("not larger");
  }

  @Test
  void tokenOrder_allowsAnyOrderBetweenConcurrentAcquisitions() {
    // Client 1 invoked before client 0's acquire returned: no real-time order between them.
    H h = new H().acquire(0, 500, 0, 10).acquire(1, 400, 5, 30);

    assertThat(Checker.tokenOrder(h.ops, 0)).isEmpty();
  }

  @Test
  void tokenOrder_flagsTwoAcquisitionsWithTheSameToken() {
    H h = new H().acquire(0, 7, 0, 10).acquire(1, 7, 5, 30);

    assertThat(Checker.tokenOrder(h.ops, 0))
        .singleElement()
        .asString()
        .contains("two acquisitions");
  }

  @Test
  void slowCall_isFlagged_unlessItsOwnProcessWasFrozenMeanwhile() {
    Op slow = H.op(0, Kind.ACQUIRE, "-", 0, 8_000, Outcome.FAIL, 0, 0); // 8 s, budget 5 s
    FaultRecord pausedOther = new FaultRecord("pause", 1, true, 0, 4_000 * MS);
    FaultRecord pausedItself = new FaultRecord("pause", 0, true, 1_000 * MS, 5_000 * MS);
    FaultRecord partitioned = new FaultRecord("partition", 0, false, 0, 8_000 * MS);

    assertThat(Checker.slowCalls(List.of(slow), List.of(pausedOther, partitioned), 0)).hasSize(1);
    assertThat(Checker.slowCalls(List.of(slow), List.of(pausedItself), 0)).isEmpty();
  }

  @Test
  void recovery_isTheTimeToTheFirstLeaseAnotherClientTookAfterTheFault() {
    H h = new H().acquire(0, 1, 0, 5).acquire(1, 2, 6, 900).acquire(0, 3, 901, 1500);
    FaultRecord pauseOfClient1 = new FaultRecord("pause", 1, true, 100 * MS, 400 * MS);
    FaultRecord restart = new FaultRecord("restart", FaultRecord.ALL_CLIENTS, false, 100 * MS, 0);

    assertThat(Checker.recoveryMillis(h.ops, List.of(pauseOfClient1))).containsExactly(1400L);
    assertThat(Checker.recoveryMillis(h.ops, List.of(restart))).containsExactly(800L);
  }

  @Test
  void eventLines_roundTrip() {
    Op op =
        new Op(3, Kind.WRITE, "chaos-a", "fenced", 1, 2, Outcome.UNKNOWN, 1764000000000001L, 9, 5);

    assertThat(Op.parse(op.toLine())).isEqualTo(op);
  }
}
