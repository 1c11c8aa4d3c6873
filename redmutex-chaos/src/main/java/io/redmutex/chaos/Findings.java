package io.redmutex.chaos;

import java.util.List;

/**
 * What the {@link Checker} found in one run.
 *
 * <p>Must be zero whatever the faults ({@link #mustHoldViolations()}): accepted fenced writes whose
 * token did not increase, increments lost by the fenced register, fenced acknowledgements that do
 * not match its value, acquisitions whose token was not larger than one that completed before they
 * began, calls that ran past their wait plus slack, lock keys left after the lease time, clients
 * that would not stop, and overlapped leases whose holder was never told of the loss.
 *
 * <p>The calibration ({@link #unfencedViolations()}): overlapping believed-held leases and
 * increments lost by the unfenced register, which faults that lose a lock must produce.
 *
 * @param examples history excerpts of the must-hold violations (a few at most)
 * @param unfencedExamples history excerpts of what the unfenced register suffered (a few at most)
 */
record Findings(
    long lockCalls,
    long fencedCalls,
    long unfencedCalls,
    int leases,
    int staleWritesAccepted,
    int fencedLostIncrements,
    int fencedAckMismatches,
    int tokenOrderViolations,
    int staleAccessesRejected,
    int overlappingPairs,
    int unfencedLostIncrements,
    int slowCalls,
    int lockKeysLeft,
    int clientsNotStopped,
    int unreportedLosses,
    int leasesReportedLost,
    List<Long> recoveryMillis,
    List<String> examples,
    List<String> unfencedExamples) {

  /** Violations of the fenced register's guarantees (the fencing checks proper). */
  int fencedViolations() {
    return staleWritesAccepted + fencedLostIncrements + fencedAckMismatches + tokenOrderViolations;
  }

  /** Violations of liveness and of loss reporting, which hold in either mode. */
  int livenessViolations() {
    return slowCalls + lockKeysLeft + clientsNotStopped + unreportedLosses;
  }

  /** Everything that must be zero under any fault. */
  int mustHoldViolations() {
    return fencedViolations() + livenessViolations();
  }

  /** What mutual exclusion without fencing lost: the calibration figure. */
  int unfencedViolations() {
    return overlappingPairs + unfencedLostIncrements;
  }
}
