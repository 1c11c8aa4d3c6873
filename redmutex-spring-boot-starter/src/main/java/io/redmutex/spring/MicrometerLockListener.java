package io.redmutex.spring;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.LongTaskTimer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.redmutex.LockException;
import io.redmutex.LockInterruptedException;
import io.redmutex.LockListener;
import io.redmutex.LockTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Lock events as Micrometer meters:
 *
 * <ul>
 *   <li>{@code redmutex.acquire} (timer): how long acquires waited; tag {@code outcome} = {@code
 *       acquired}, {@code timeout}, {@code interrupted} or {@code error}
 *   <li>{@code redmutex.held} (long task timer): the leases held now, and for how long
 *   <li>{@code redmutex.lost} (counter): leases found lost, the signal to alert on
 *   <li>{@code redmutex.renewals} (counter): background renewals
 *   <li>{@code redmutex.handoffs} (counter): releases handed straight to a waiter of this client
 * </ul>
 *
 * <p>No meter carries the lock name unless a {@link LockNameTagger} maps names to a bounded set of
 * {@code name} tag values. Events arrive on redmutex's threads: everything here is non-blocking.
 */
final class MicrometerLockListener implements LockListener {
  private final MeterRegistry registry;
  private final LockNameTagger tagger; // null: no name tag
  private final Map<HeldKey, LongTaskTimer.Sample> held = new ConcurrentHashMap<>();
  // Leases whose end was reported before their start: the client completes an acquire before it
  // reports it, so a quick caller's release can overtake the acquired event.
  private final Map<HeldKey, Boolean> endedEarly = new ConcurrentHashMap<>();
  private static final int MAX_ENDED_EARLY = 10_000;

  MicrometerLockListener(MeterRegistry registry, LockNameTagger tagger) {
    this.registry = registry;
    this.tagger = tagger;
  }

  /** Tags meters with the configured names, {@code other} for the rest. */
  static LockNameTagger forNames(java.util.Collection<String> names) {
    java.util.Set<String> known = java.util.Set.copyOf(names);
    return name -> known.contains(name) ? name : "other";
  }

  private record HeldKey(String name, long fencingToken) {}

  @Override
  public void acquired(String name, long fencingToken, Duration waited) {
    acquireTimer(name, "acquired").record(waited);
    HeldKey key = new HeldKey(name, fencingToken);
    if (endedEarly.remove(key) != null) {
      return;
    }
    LongTaskTimer.Sample sample =
        LongTaskTimer.builder("redmutex.held")
            .description("Leases held now, and for how long")
            .tags(nameTags(name))
            .register(registry)
            .start();
    LongTaskTimer.Sample previous = held.put(key, sample);
    if (previous != null) {
      previous.stop();
    }
  }

  @Override
  public void acquireFailed(String name, Duration waited, LockException cause) {
    acquireTimer(name, outcome(cause)).record(waited);
  }

  static String outcome(LockException cause) {
    if (cause instanceof LockTimeoutException) {
      return "timeout";
    }
    if (cause instanceof LockInterruptedException) {
      return "interrupted";
    }
    return "error";
  }

  @Override
  public void released(String name, long fencingToken, Duration heldFor) {
    stopHeld(name, fencingToken);
  }

  @Override
  public void lost(String name, long fencingToken) {
    stopHeld(name, fencingToken);
    counter("redmutex.lost", "Leases found lost (expired, deleted or taken over)", name)
        .increment();
  }

  @Override
  public void renewed(String name, long fencingToken) {
    counter("redmutex.renewals", "Background renewals of held leases", name).increment();
  }

  @Override
  public void handedOff(String name, long fromFencingToken, long toFencingToken) {
    counter("redmutex.handoffs", "Releases handed straight to a waiter of this client", name)
        .increment();
  }

  private void stopHeld(String name, long fencingToken) {
    HeldKey key = new HeldKey(name, fencingToken);
    LongTaskTimer.Sample sample = held.remove(key);
    if (sample != null) {
      sample.stop();
      return;
    }
    // Not started yet (its acquired event is on its way), or already ended (released after lost):
    // remember it so that a late acquired event does not start it. The second case leaves an
    // entry behind, once per lost lease; the bound keeps that from growing without limit.
    if (endedEarly.size() >= MAX_ENDED_EARLY) {
      endedEarly.clear();
    }
    endedEarly.put(key, Boolean.TRUE);
  }

  private Timer acquireTimer(String name, String outcome) {
    return Timer.builder("redmutex.acquire")
        .description("How long acquires waited, by outcome")
        .tag("outcome", outcome)
        .tags(nameTags(name))
        .register(registry);
  }

  private Counter counter(String meter, String description, String name) {
    return Counter.builder(meter).description(description).tags(nameTags(name)).register(registry);
  }

  private Tags nameTags(String name) {
    return tagger == null ? Tags.empty() : Tags.of("name", String.valueOf(tagger.tag(name)));
  }
}
