package io.redmutex.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The Redlock leases this client holds (taken, not yet released or found lost), by token, each with
 * the local time its validity ends: a master that lost a key is taken again only for a lease still
 * valid here. A lease whose validity ended here (its renewals failed) is never released through the
 * driver; its entry goes at the next take.
 */
final class RedlockLeases {
  private final NanoClock clock;
  private final Map<String, Long> validUntil = new ConcurrentHashMap<>();

  RedlockLeases(NanoClock clock) {
    this.clock = clock;
  }

  /** A lease taken with a send at {@code sentAt}; drops the ones whose validity ended. */
  void taken(String token, long sentAt, long leaseMillis) {
    long now = clock.nanoTime();
    validUntil.values().removeIf(until -> until - now <= 0);
    validUntil.put(token, sentAt + TimeUnit.MILLISECONDS.toNanos(leaseMillis));
  }

  /** A renewal sent at {@code sentAt} that a majority confirmed. */
  void renewed(String token, long sentAt, long leaseMillis) {
    long until = sentAt + TimeUnit.MILLISECONDS.toNanos(leaseMillis);
    validUntil.computeIfPresent(token, (t, before) -> until - before > 0 ? until : before);
  }

  /** Released, or found lost. */
  void ended(String token) {
    validUntil.remove(token);
  }

  /** Whether the lease of {@code token} is held here, within its validity by the local clock. */
  boolean isValid(String token) {
    Long until = validUntil.get(token);
    return until != null && until - clock.nanoTime() > 0;
  }

  int size() {
    return validUntil.size();
  }

  void clear() {
    validUntil.clear();
  }
}
