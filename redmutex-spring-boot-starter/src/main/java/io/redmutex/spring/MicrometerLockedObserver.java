package io.redmutex.spring;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.redmutex.Lease;

/**
 * Micrometer observations of {@link Locked} calls, so that traces show lock waits: {@code
 * redmutex.locked.wait} around the acquire, then {@code redmutex.locked.held} around the method
 * (its scope is open while the method's own code runs, so the method's spans nest under it), each a
 * child of the caller's current observation. Low-cardinality key values: {@code redmutex.method}
 * ({@code Class.method}) and {@code redmutex.outcome}; high-cardinality: {@code redmutex.lock} (the
 * lock name) and {@code redmutex.fencing.token}.
 */
final class MicrometerLockedObserver implements LockedObserver {
  static final String WAIT = "redmutex.locked.wait";
  static final String HELD = "redmutex.locked.held";

  private final ObservationRegistry registry;

  MicrometerLockedObserver(ObservationRegistry registry) {
    this.registry = registry;
  }

  @Override
  public Call start(LockedMethod method, String lockName) {
    Observation parent = registry.getCurrentObservation();
    Observation wait = observation(WAIT, method, lockName, parent).start();
    return new Call() {
      private Observation held;
      private Observation.Scope scope;

      @Override
      public void acquired(Lease lease) {
        wait.lowCardinalityKeyValue("redmutex.outcome", "acquired").stop();
        held =
            observation(HELD, method, lockName, parent)
                .highCardinalityKeyValue(
                    "redmutex.fencing.token", Long.toString(lease.fencingToken()))
                .start();
        scope = held.openScope();
      }

      @Override
      public void notAcquired(Throwable cause, boolean skipped) {
        String outcome =
            skipped
                ? "skipped"
                : cause instanceof io.redmutex.LockException lock
                    ? MicrometerLockListener.outcome(lock)
                    : "error";
        wait.lowCardinalityKeyValue("redmutex.outcome", outcome);
        if (!skipped) {
          wait.error(cause);
        }
        wait.stop();
      }

      @Override
      public void methodReturned() {
        if (scope != null) {
          scope.close();
        }
      }

      @Override
      public void released(Throwable error) {
        if (held == null) {
          return;
        }
        held.lowCardinalityKeyValue("redmutex.outcome", error == null ? "released" : "lost");
        if (error != null) {
          held.error(error);
        }
        held.stop();
      }
    };
  }

  private Observation observation(
      String name, LockedMethod method, String lockName, Observation parent) {
    return Observation.createNotStarted(name, registry)
        .contextualName(name.equals(WAIT) ? "wait for " + lockName : "hold " + lockName)
        .parentObservation(parent)
        .lowCardinalityKeyValue("redmutex.method", method.label())
        .highCardinalityKeyValue("redmutex.lock", lockName);
  }
}
