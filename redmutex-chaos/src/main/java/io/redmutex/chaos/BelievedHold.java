package io.redmutex.chaos;

/**
 * One lease as its holder saw it, rebuilt from the history: believed held from {@code startNanos}
 * (acquire returned) to {@code endNanos} (release called, or the loss callback ran, whichever came
 * first).
 *
 * @param reportedLost whether the holder was told it lost the lease (loss callback, or {@code
 *     LockLostException} from release)
 */
record BelievedHold(
    int client, String lock, long token, long startNanos, long endNanos, boolean reportedLost) {

  boolean overlaps(BelievedHold other) {
    return startNanos < other.endNanos && other.startNanos < endNanos;
  }
}
