package io.redmutex.internal;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A {@link LockDriver} that passes every call to another: decorators extend it and override only
 * what they change ({@link ReplicatedDriver}; tests count or delay commands with it).
 */
public abstract class ForwardingDriver implements LockDriver {
  private final LockDriver delegate;

  protected ForwardingDriver(LockDriver delegate) {
    this.delegate = delegate;
  }

  @Override
  public CompletableFuture<TakeResult> take(
      LockKeys keys, String token, long leaseMillis, Taker taker) {
    return delegate.take(keys, token, leaseMillis, taker);
  }

  @Override
  public CompletableFuture<TakeResult> handOff(
      LockKeys keys, String from, long lastFencingToken, String to, long leaseMillis, Taker taker) {
    return delegate.handOff(keys, from, lastFencingToken, to, leaseMillis, taker);
  }

  @Override
  public boolean canHandOff() {
    return delegate.canHandOff();
  }

  @Override
  public CompletableFuture<Boolean> release(LockKeys keys, String token, long lastFencingToken) {
    return delegate.release(keys, token, lastFencingToken);
  }

  @Override
  public CompletableFuture<Boolean> extend(LockKeys keys, String token, long leaseMillis) {
    return delegate.extend(keys, token, leaseMillis);
  }

  @Override
  public CompletableFuture<Boolean> unwait(String waitersKey, String clientId) {
    return delegate.unwait(waitersKey, clientId);
  }

  @Override
  public CompletableFuture<List<Object>> inspect(LockKeys keys) {
    return delegate.inspect(keys);
  }

  @Override
  public CompletableFuture<String> breakLock(LockKeys keys, String owner) {
    return delegate.breakLock(keys, owner);
  }

  @Override
  public CompletableFuture<List<Object>> permits(
      Script script, List<String> keys, List<String> args) {
    return delegate.permits(script, keys, args);
  }

  @Override
  public CompletableFuture<List<String>> scanKeys(String pattern, String type, int limit) {
    return delegate.scanKeys(pattern, type, limit);
  }

  @Override
  public CompletableFuture<Void> subscribe(String channel) {
    return delegate.subscribe(channel);
  }

  @Override
  public CompletableFuture<Void> unsubscribe(String channel) {
    return delegate.unsubscribe(channel);
  }

  @Override
  public void onWakeUp(Consumer<String> channelConsumer) {
    delegate.onWakeUp(channelConsumer);
  }

  @Override
  public String describe() {
    return delegate.describe();
  }

  @Override
  public void close() {
    delegate.close();
  }
}
