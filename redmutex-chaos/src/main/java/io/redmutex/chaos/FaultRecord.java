package io.redmutex.chaos;

/**
 * A fault the nemesis injected, from {@code startNanos} (injected) to {@code endNanos} (healed,
 * resumed, or the topology settled again).
 *
 * @param what a short description, e.g. {@code "SIGSTOP worker 2 for 2500 ms"}
 * @param client the client it hit, or {@link #ALL_CLIENTS} for a fault of Redis itself
 * @param freezesClient whether the client's own process was stopped (so its calls could not end)
 */
record FaultRecord(String what, int client, boolean freezesClient, long startNanos, long endNanos) {
  static final int ALL_CLIENTS = -1;

  /** How long this fault froze {@code clientId}'s process within [from, to], in nanoseconds. */
  long frozeWithin(int clientId, long from, long to) {
    if (!freezesClient || client != clientId) {
      return 0;
    }
    return Math.max(0, Math.min(to, endNanos) - Math.max(from, startNanos));
  }
}
