package io.redmutex.chaos;

/**
 * One recorded event of the workload, with {@link System#nanoTime()} timestamps. Worker JVMs on the
 * same machine share that clock (Linux {@code CLOCK_MONOTONIC}), so their events sort with ours.
 *
 * <ul>
 *   <li>{@link Kind#ACQUIRE}, {@link Kind#READ}, {@link Kind#WRITE}, {@link Kind#RELEASE}: a call,
 *       from {@code invokeNanos} to {@code completeNanos}, with its outcome; {@code budgetNanos} is
 *       the longest it may take (its wait plus the command timeout slack).
 *   <li>{@link Kind#THINK}: the holder's planned work between its reads and its writes; {@code
 *       completeNanos} is when it plans to write. Nemeses watch for these to strike mid-update.
 *   <li>{@link Kind#LOST}: the lease's loss callback ran at {@code invokeNanos}.
 * </ul>
 *
 * @param client the client's id, unique within a run
 * @param lock the lock name
 * @param register which register a READ or WRITE touched; {@link Register.Mode} name or "-"
 * @param token the lease's fencing token; 0 before one is known
 * @param value what a READ returned or a WRITE wrote; the hold in ms for THINK
 */
record Op(
    int client,
    Kind kind,
    String lock,
    String register,
    long invokeNanos,
    long completeNanos,
    Outcome outcome,
    long token,
    long value,
    long budgetNanos) {

  enum Kind {
    ACQUIRE,
    READ,
    WRITE,
    RELEASE,
    THINK,
    LOST
  }

  /**
   * How a call ended. For a RELEASE, {@link #LOST} means the lease had been lost ({@code
   * LockLostException}); for a READ or WRITE, {@link #FAIL} means the register rejected a stale
   * token (definitely not applied) and {@link #UNKNOWN} that it may or may not have been applied.
   */
  enum Outcome {
    OK,
    FAIL,
    UNKNOWN,
    LOST
  }

  static final String NO_REGISTER = "-";
  private static final String PREFIX = "@op ";

  long durationNanos() {
    return completeNanos - invokeNanos;
  }

  boolean is(Kind k, Outcome o) {
    return kind == k && outcome == o;
  }

  /** One line, for a worker JVM to send its events to the harness. */
  String toLine() {
    return PREFIX
        + client
        + ' '
        + kind
        + ' '
        + lock
        + ' '
        + register
        + ' '
        + invokeNanos
        + ' '
        + completeNanos
        + ' '
        + outcome
        + ' '
        + token
        + ' '
        + value
        + ' '
        + budgetNanos;
  }

  static boolean isLine(String line) {
    return line.startsWith(PREFIX);
  }

  /**
   * @throws IllegalArgumentException if {@code line} is not what {@link #toLine()} writes
   */
  static Op parse(String line) {
    String[] f = isLine(line) ? line.substring(PREFIX.length()).split(" ") : new String[0];
    if (f.length != 10) {
      throw new IllegalArgumentException("not an event line: " + line);
    }
    return new Op(
        Integer.parseInt(f[0]),
        Kind.valueOf(f[1]),
        f[2],
        f[3],
        Long.parseLong(f[4]),
        Long.parseLong(f[5]),
        Outcome.valueOf(f[6]),
        Long.parseLong(f[7]),
        Long.parseLong(f[8]),
        Long.parseLong(f[9]));
  }
}
