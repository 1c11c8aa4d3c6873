package io.redmutex.spring;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.redmutex.Lease;
import io.redmutex.LockException;
import io.redmutex.LockListener;
import io.redmutex.LockLostException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Micrometer observations of lock acquires and holds, so that traces show them under the caller's
 * span, for every {@code acquire}, {@code tryAcquire} and {@code acquireAsync} of a lock (with or
 * without {@link Locked}):
 *
 * <ul>
 *   <li>{@value #ACQUIRE}: from the call to its outcome, a child of the caller's current
 *       observation (taken on the calling thread by {@link LockListener#acquireStarting}); its
 *       duration is the wait. Low-cardinality key value {@code redmutex.outcome} = {@code
 *       acquired}, {@code busy} (a {@code tryAcquire} that found it held), {@code timeout}, {@code
 *       interrupted}, {@code cancelled} or {@code error} (with the exception as the observation's
 *       error, but for {@code busy}); high-cardinality {@code redmutex.lock} (the lock name),
 *       {@code redmutex.waited.ms} and, once acquired, {@code redmutex.fencing.token}.
 *   <li>{@value #HOLD}: from the acquire's outcome to the release or the loss, with the same parent
 *       as the acquire. Low-cardinality {@code redmutex.outcome} = {@code released} or {@code lost}
 *       (a loss is the observation's error); high-cardinality {@code redmutex.lock} and {@code
 *       redmutex.fencing.token}.
 * </ul>
 *
 * <p>Built on the public {@link LockListener}: {@code acquireStarting} opens the acquire (the other
 * events run on redmutex's callback thread, where the caller's observation is not current), the
 * {@code released} and {@code lost} events end the hold. Acquires through a {@link
 * io.redmutex.DistributedLock} view, semaphores and read-write locks are not observed (they tell no
 * {@code acquireStarting}).
 */
final class MicrometerLockObservations implements LockListener {
  static final String ACQUIRE = "redmutex.lock.acquire";
  static final String HOLD = "redmutex.lock.hold";
  static final String OUTCOME = "redmutex.outcome";
  static final String LOCK = "redmutex.lock";
  static final String TOKEN = "redmutex.fencing.token";
  static final String WAITED = "redmutex.waited.ms";

  private static final int MAX_ENDED_EARLY = 10_000;

  private final ObservationRegistry registry;
  private final Map<HeldKey, Observation> holds = new ConcurrentHashMap<>();
  // Holds whose end was told before their start (an acquireAsync's dependents run before the
  // Acquisition is told, and may release at once), by outcome.
  private final Map<HeldKey, String> endedEarly = new ConcurrentHashMap<>();

  MicrometerLockObservations(ObservationRegistry registry) {
    this.registry = registry;
  }

  private record HeldKey(String name, long fencingToken) {}

  @Override
  public Acquisition acquireStarting(String name) {
    if (registry.isNoop()) {
      return Acquisition.NONE;
    }
    Observation parent = registry.getCurrentObservation();
    long started = System.nanoTime();
    Observation acquire =
        Observation.createNotStarted(ACQUIRE, registry)
            .parentObservation(parent)
            .highCardinalityKeyValue(LOCK, name)
            .start();
    return new Acquisition() {
      @Override
      public void acquired(Lease lease) {
        acquire
            .lowCardinalityKeyValue(OUTCOME, "acquired")
            .highCardinalityKeyValue(TOKEN, Long.toString(lease.fencingToken()))
            .highCardinalityKeyValue(WAITED, waited(started))
            .stop();
        startHold(parent, lease);
      }

      @Override
      public void busy() {
        acquire
            .lowCardinalityKeyValue(OUTCOME, "busy")
            .highCardinalityKeyValue(WAITED, waited(started))
            .stop();
      }

      @Override
      public void failed(Throwable cause) {
        acquire
            .lowCardinalityKeyValue(OUTCOME, outcome(cause))
            .highCardinalityKeyValue(WAITED, waited(started))
            .error(cause)
            .stop();
      }
    };
  }

  static String outcome(Throwable cause) {
    if (cause instanceof CancellationException) {
      return "cancelled";
    }
    return cause instanceof LockException lock ? MicrometerLockListener.outcome(lock) : "error";
  }

  private static String waited(long startedNanos) {
    return String.format(
        java.util.Locale.ROOT, "%.3f", (System.nanoTime() - startedNanos) / 1_000_000.0);
  }

  private void startHold(Observation parent, Lease lease) {
    HeldKey key = new HeldKey(lease.name(), lease.fencingToken());
    Observation hold =
        Observation.createNotStarted(HOLD, registry)
            .parentObservation(parent)
            .highCardinalityKeyValue(LOCK, lease.name())
            .highCardinalityKeyValue(TOKEN, Long.toString(lease.fencingToken()))
            .start();
    String early = endedEarly.remove(key);
    if (early != null) {
      end(hold, key.name(), early);
      return;
    }
    holds.put(key, hold);
    // The end may have been told between the check and the put.
    early = endedEarly.remove(key);
    if (early != null && holds.remove(key, hold)) {
      end(hold, key.name(), early);
    }
  }

  @Override
  public void released(String name, long fencingToken, Duration held) {
    endHold(name, fencingToken, "released");
  }

  @Override
  public void lost(String name, long fencingToken) {
    endHold(name, fencingToken, "lost");
  }

  private void endHold(String name, long fencingToken, String outcome) {
    HeldKey key = new HeldKey(name, fencingToken);
    Observation hold = holds.remove(key);
    if (hold != null) {
      end(hold, name, outcome);
      return;
    }
    // Not started yet (an acquireAsync's Acquisition is on its way), not observed (a lock view's
    // lease), or already ended (released after lost): remember it, bounded, so that a late start
    // ends at once.
    if (endedEarly.size() >= MAX_ENDED_EARLY) {
      endedEarly.clear();
    }
    endedEarly.putIfAbsent(key, outcome);
  }

  private static void end(Observation hold, String name, String outcome) {
    hold.lowCardinalityKeyValue(OUTCOME, outcome);
    if (outcome.equals("lost")) {
      hold.error(new LockLostException("the lease of " + name + " was lost"));
    }
    hold.stop();
  }
}
