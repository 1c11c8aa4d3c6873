package io.redmutex.internal;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The one seam between lock logic and Redis: every Redis command redmutex sends goes through here.
 * One round trip per operation. Futures may complete on I/O threads: callers must not block in
 * their continuations.
 */
public interface LockDriver extends AutoCloseable {

  /**
   * Takes the lock for {@code token}, or reports the holder's remaining TTL (and enters the taker's
   * client among the lock's waiters).
   */
  CompletableFuture<TakeResult> take(LockKeys keys, String token, long leaseMillis, Taker taker);

  /**
   * Hands the lock from token {@code from} straight to token {@code to}, with a new fencing token
   * (above {@code lastFencingToken}, the last one {@code from} issued locally, or 0), if {@code
   * from} still holds it; {@code acquired()} is false when it did not. Only when {@link
   * #canHandOff()}.
   */
  CompletableFuture<TakeResult> handOff(
      LockKeys keys, String from, long lastFencingToken, String to, long leaseMillis, Taker taker);

  /** Whether {@link #handOff} may be used (not with replication-safe writes, which WAIT each). */
  boolean canHandOff();

  /**
   * Deletes the key if it holds {@code token} and announces it; true when deleted. {@code
   * lastFencingToken}: the last fencing token issued locally under this token (see {@link
   * HeldKey}), kept as the lock's last token when larger; 0 when none was.
   */
  CompletableFuture<Boolean> release(LockKeys keys, String token, long lastFencingToken);

  /** Sets a new TTL if the key holds {@code token}; true when extended. */
  CompletableFuture<Boolean> extend(LockKeys keys, String token, long leaseMillis);

  /**
   * Takes client {@code clientId} out of a lock's waiters set ({@link LockKeys#waitersKey()}): its
   * last waiting acquire of that lock ended.
   */
  CompletableFuture<Boolean> unwait(String waitersKey, String clientId);

  /** Reads the lock's state for operators: see {@code inspect.lua}. */
  CompletableFuture<List<Object>> inspect(LockKeys keys);

  /**
   * Deletes the lock if it holds {@code owner} (whoever that is) and wakes waiters; the deleted
   * token, or null if the lock was free or held by another token.
   */
  CompletableFuture<String> breakLock(LockKeys keys, String owner);

  /**
   * Keys of {@code type} ({@code string} for locks, {@code hash} for the info hashes of semaphores
   * and read-write locks) matching {@code pattern}, found with {@code SCAN ... TYPE} (never KEYS),
   * each once, at most {@code limit}.
   */
  CompletableFuture<List<String>> scanKeys(String pattern, String type, int limit);

  /**
   * Subscribes to a wake-up channel on the shared pub/sub connection (opened on first use);
   * completes when the server confirmed the subscription.
   */
  CompletableFuture<Void> subscribe(String channel);

  CompletableFuture<Void> unsubscribe(String channel);

  /**
   * Sets where wake-up messages go: the channel they arrived on. Called once, before subscribing.
   */
  void onWakeUp(Consumer<String> channelConsumer);

  /**
   * Runs one script of a semaphore or read-write lock ({@code Script.PERMIT_*}, {@code READ_TAKE},
   * {@code WRITE_*}; all keys in one slot, the first routes it), with {@code PUBLISH} or {@code
   * SPUBLISH} appended to {@code args} as the driver announces releases; the script's array reply.
   */
  default CompletableFuture<List<Object>> permits(
      Script script, List<String> keys, List<String> args) {
    throw new UnsupportedOperationException(
        "this Redis driver ("
            + getClass().getSimpleName()
            + ") does not support semaphores and read-write locks (script "
            + script.name()
            + ")");
  }

  /** A description of the server for messages, without credentials, e.g. {@code 10.0.0.5:6379}. */
  String describe();

  @Override
  void close();
}
