package io.redmutex.internal;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * What the Lettuce drivers share: every lock operation is one script on the command connection,
 * watched for signs that the topology changed (a failover), and wake-ups go to one consumer.
 */
abstract class ScriptedDriver implements LockDriver {
  private volatile Consumer<String> wakeUps = channel -> {};

  /** The wire protocol's scripts on this driver's command connection. */
  abstract LockScripts scripts();

  /**
   * Returns {@code operation}, after arranging to react to its failure if it says the topology
   * changed (READONLY, a timeout): look the master or the slots up again.
   */
  abstract <T> CompletableFuture<T> watched(CompletableFuture<T> operation);

  /** Passes a wake-up (a release announced on {@code channel}) to the consumer. */
  final void wakeUp(String channel) {
    wakeUps.accept(channel);
  }

  @Override
  public final void onWakeUp(Consumer<String> channelConsumer) {
    this.wakeUps = channelConsumer;
  }

  @Override
  public CompletableFuture<TakeResult> take(
      LockKeys keys, String token, long leaseMillis, Taker taker) {
    return watched(scripts().take(keys, token, leaseMillis, taker));
  }

  @Override
  public CompletableFuture<TakeResult> handOff(
      LockKeys keys, String from, long lastFencingToken, String to, long leaseMillis, Taker taker) {
    return watched(scripts().handOff(keys, from, lastFencingToken, to, leaseMillis, taker));
  }

  @Override
  public boolean canHandOff() {
    return true;
  }

  @Override
  public CompletableFuture<Boolean> release(LockKeys keys, String token, long lastFencingToken) {
    return watched(scripts().release(keys, token, lastFencingToken));
  }

  @Override
  public CompletableFuture<Boolean> extend(LockKeys keys, String token, long leaseMillis) {
    return watched(scripts().extend(keys, token, leaseMillis));
  }

  @Override
  public CompletableFuture<Boolean> unwait(String waitersKey, String clientId) {
    return watched(scripts().unwait(waitersKey, clientId));
  }

  @Override
  public CompletableFuture<List<Object>> inspect(LockKeys keys) {
    return watched(scripts().inspect(keys));
  }

  @Override
  public CompletableFuture<String> breakLock(LockKeys keys, String owner) {
    return watched(scripts().breakLock(keys, owner));
  }

  @Override
  public CompletableFuture<List<Object>> permits(
      Script script, List<String> keys, List<String> args) {
    return watched(scripts().permits(script, keys, args));
  }
}
