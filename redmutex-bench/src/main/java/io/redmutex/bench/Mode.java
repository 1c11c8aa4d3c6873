package io.redmutex.bench;

import java.time.Duration;

/**
 * How long to measure. Every mode runs every scenario for every library; they differ only in time
 * and in the number of locks the footprint holds.
 */
enum Mode {
  /** For CI: proves that everything runs and produces numbers; its figures mean little. */
  SMOKE("smoke", Duration.ofMillis(250), Duration.ofMillis(500), 1, 1_000),
  /** About two minutes. */
  QUICK("quick", Duration.ofSeconds(1), Duration.ofSeconds(1), 4, 10_000),
  /** The figures for the README: about ten minutes. */
  FULL("full", Duration.ofSeconds(3), Duration.ofSeconds(5), 6, 10_000);

  private final String id;
  private final Duration warmUp;
  private final Duration round;
  private final int rounds;
  private final int footprintLocks;

  Mode(String id, Duration warmUp, Duration round, int rounds, int footprintLocks) {
    this.id = id;
    this.warmUp = warmUp;
    this.round = round;
    this.rounds = rounds;
    this.footprintLocks = footprintLocks;
  }

  String id() {
    return id;
  }

  /** Per library and scenario, before the rounds; zero for none. */
  Duration warmUp() {
    return warmUp;
  }

  /** Per library and scenario, in each round. */
  Duration round() {
    return round;
  }

  int rounds() {
    return rounds;
  }

  int footprintLocks() {
    return footprintLocks;
  }

  /** One line for the report: "quick: warm-up 1 s, then 3 rounds of 1.5 s". */
  String describe() {
    String warm = warmUp.isZero() ? "no warm-up" : "warm-up " + seconds(warmUp);
    return id
        + ": "
        + warm
        + ", then "
        + rounds
        + (rounds == 1 ? " round" : " rounds")
        + " of "
        + seconds(round)
        + " per library and scenario";
  }

  private static String seconds(Duration d) {
    double s = d.toMillis() / 1000.0;
    return (s == Math.rint(s) ? String.valueOf((long) s) : String.valueOf(s)) + " s";
  }
}
