package io.redmutex.internal;

import io.redmutex.LockException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * What a lock's acquire sends and makes of the answers (on one Redis, a cluster or by Redlock: the
 * driver decides): {@code take.lua} with the acquire's token; a lease is a new {@link HeldKey}'s
 * first lease, renewed from the moment it is made. The waiting itself is {@link Acquisition}'s.
 */
final class LockTakes implements Acquisition.Takes<DefaultLease> {
  private final LockEngine engine;
  private final LockKeys keys;
  private final String token;
  private final long leaseMillis;

  LockTakes(LockEngine engine, LockKeys keys, String token, long leaseMillis) {
    this.engine = engine;
    this.keys = keys;
    this.token = token;
    this.leaseMillis = leaseMillis;
  }

  @Override
  public String describe() {
    return "lock '" + keys.name() + "'";
  }

  @Override
  public String heldMessage() {
    return "lock '" + keys.name() + "' is held by another owner";
  }

  @Override
  public String channel() {
    return keys.channel();
  }

  @Override
  public CompletableFuture<Acquisition.Answer<DefaultLease>> take(long sentAt) {
    return engine
        .driver()
        .take(keys, token, leaseMillis, engine.taker())
        .thenApply(
            answer ->
                answer.acquired()
                    ? Acquisition.Answer.taken(
                        HeldKey.startHolding(engine, keys, token, answer, leaseMillis, sentAt, 0),
                        false)
                    : Acquisition.Answer.busy(fallbackDelayNanos(answer, Long.MAX_VALUE)));
  }

  /**
   * How long to park before trying again without a release message: until the holder's key expires.
   * A holder that does not announce its release (a client of another library) is polled at least
   * every {@link Acquisition#MAX_POLL_NANOS}. Never past {@code remainingNanos}.
   */
  static long fallbackDelayNanos(TakeResult busy, long remainingNanos) {
    long ttl = busy.holderTtlMillis();
    long delay;
    if (ttl == -2) {
      delay = 0; // the key vanished between our take and the PTTL inside it: try again at once
    } else if (ttl < 0) {
      delay = Acquisition.MAX_POLL_NANOS; // a key without TTL, written by someone else
    } else {
      delay = TimeUnit.MILLISECONDS.toNanos(ttl + 1);
      if (!busy.holderAnnounces()) {
        delay = Math.min(delay, Acquisition.MAX_POLL_NANOS);
      }
    }
    return Math.min(delay, remainingNanos);
  }

  /**
   * Behind a lease of this client, waits to be handed the lock (or for its release or loss); right
   * after this client ended a run of hand-offs, gives other clients a head start.
   */
  @Override
  public long parkBeforeFirstTakeNanos(WakeUps.Channel subscribed) {
    return engine.heldHere(keys.key())
        ? TimeUnit.MILLISECONDS.toNanos(leaseMillis)
        : subscribed.yieldingNanos();
  }

  @Override
  public boolean park(WakeUps.Channel channel, Acquisition<DefaultLease> waiter, long seen) {
    return channel.parkForHandOff(waiter, seen);
  }

  @Override
  public boolean wakesFirst() {
    return false;
  }

  @Override
  public void giveBack() {
    engine.handOff().releaseQuietly(keys, token, 0);
  }

  @Override
  public void withdraw() {}

  @Override
  public void abandon(DefaultLease lease) {
    engine.handOff().abandon(lease);
  }

  @Override
  public void acquired(DefaultLease lease, Duration waited) {
    engine.acquired(lease, waited);
  }

  @Override
  public void acquireFailed(Duration waited, LockException cause) {
    engine.acquireFailed(keys.name(), waited, cause);
  }
}
