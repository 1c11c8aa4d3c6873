package io.redmutex.internal;

import io.lettuce.core.RedisCommandTimeoutException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * Passes every call to a real driver and counts the scripts one client sends, by operation: what
 * this client caused, nothing else.
 */
public final class CountingDriver extends ForwardingDriver {

  /** Scripts sent, by operation ({@code take}, {@code handOff}, {@code release}, ...). */
  public static final class Calls {
    private final Map<String, AtomicLong> byOperation = new ConcurrentHashMap<>();

    public long of(String operation) {
      AtomicLong count = byOperation.get(operation);
      return count == null ? 0 : count.get();
    }

    public long total() {
      return byOperation.values().stream().mapToLong(AtomicLong::get).sum();
    }

    void count(String operation) {
      byOperation.computeIfAbsent(operation, o -> new AtomicLong()).incrementAndGet();
    }
  }

  private final LockDriver real;
  private final Calls calls;
  private final Map<String, UnaryOperator<CompletableFuture<Object>>> taps =
      new ConcurrentHashMap<>();
  private final Map<String, Hold> holds = new ConcurrentHashMap<>();

  /** Sends after the first {@code passed} wait for {@code gate}. */
  private record Hold(AtomicLong passed, CompletableFuture<?> gate) {}

  public CountingDriver(LockDriver real, Calls calls) {
    super(real);
    this.real = real;
    this.calls = calls;
  }

  /** What this driver counted. */
  public Calls calls() {
    return calls;
  }

  /**
   * From now on, passes what {@code operation} returns through {@code tap} before the engine sees
   * it: a test can hold a reply back, lose it, or act in between. The real command still runs.
   */
  public void tap(String operation, UnaryOperator<CompletableFuture<Object>> tap) {
    taps.put(operation, tap);
  }

  /**
   * From now on, sends {@code held}'s commands, after the next {@code passed} of them, only once
   * this client has sent a {@code until} command (then right behind it): as if the thread that
   * decided to send had stalled before sending. Counted when asked for, tapped as usual; taps
   * {@code until}.
   */
  public void holdSendsUntil(String held, int passed, String until) {
    CompletableFuture<Void> sent = new CompletableFuture<>();
    holds.put(held, new Hold(new AtomicLong(passed), sent));
    tap(
        until,
        reply -> {
          sent.complete(null);
          return reply;
        });
  }

  /**
   * From now on, counts {@code operation}'s answers in {@code answered}; if {@code lost}, the
   * engine then sees each fail as an answer lost on the way (the command still ran).
   */
  public void countAnswers(String operation, AtomicInteger answered, boolean lost) {
    tap(
        operation,
        reply -> {
          CompletableFuture<Object> counted =
              reply.whenComplete((value, error) -> answered.incrementAndGet());
          return lost
              ? counted.thenCompose(
                  value ->
                      CompletableFuture.failedFuture(
                          new RedisCommandTimeoutException("answer lost by the test")))
              : counted;
        });
  }

  private <T> CompletableFuture<T> counted(String operation, Supplier<CompletableFuture<T>> send) {
    Hold hold = holds.get(operation);
    if (hold == null || hold.passed().getAndDecrement() > 0) {
      return counted(operation, send.get());
    }
    return counted(operation, hold.gate().thenCompose(open -> send.get()));
  }

  @SuppressWarnings("unchecked")
  private <T> CompletableFuture<T> counted(String operation, CompletableFuture<T> call) {
    calls.count(operation);
    UnaryOperator<CompletableFuture<Object>> tap = taps.get(operation);
    return tap == null ? call : (CompletableFuture<T>) tap.apply((CompletableFuture<Object>) call);
  }

  @Override
  public CompletableFuture<TakeResult> take(
      LockKeys keys, String token, long leaseMillis, Taker taker) {
    return counted("take", () -> real.take(keys, token, leaseMillis, taker));
  }

  @Override
  public CompletableFuture<TakeResult> handOff(
      LockKeys keys, String from, long lastFencingToken, String to, long leaseMillis, Taker taker) {
    return counted(
        "handOff", () -> real.handOff(keys, from, lastFencingToken, to, leaseMillis, taker));
  }

  @Override
  public CompletableFuture<Boolean> release(LockKeys keys, String token, long lastFencingToken) {
    return counted("release", () -> real.release(keys, token, lastFencingToken));
  }

  @Override
  public CompletableFuture<Boolean> extend(LockKeys keys, String token, long leaseMillis) {
    return counted("extend", () -> real.extend(keys, token, leaseMillis));
  }

  @Override
  public CompletableFuture<Boolean> unwait(String waitersKey, String clientId) {
    return counted("unwait", () -> real.unwait(waitersKey, clientId));
  }

  @Override
  public CompletableFuture<List<Object>> inspect(LockKeys keys) {
    return counted("inspect", () -> real.inspect(keys));
  }

  @Override
  public CompletableFuture<String> breakLock(LockKeys keys, String owner) {
    return counted("breakLock", () -> real.breakLock(keys, owner));
  }

  /** Counted by script, e.g. {@code permit_take}, {@code permit_release}. */
  @Override
  public CompletableFuture<List<Object>> permits(
      Script script, List<String> keys, List<String> args) {
    String operation = script.name().substring(0, script.name().length() - ".lua".length());
    return counted(operation, () -> real.permits(script, keys, args));
  }
}
