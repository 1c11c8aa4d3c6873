package io.redmutex.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * What the lock scripts do, in memory, on a {@link FakeClock}: keys with expiries, a fencing
 * counter, waiters by client, pub/sub. Each client gets a {@link Driver} of its own, which counts
 * its calls and can hold a reply back for the test to complete later. A scripted stand-in for
 * Redis, for the engine's concurrency logic; what Redis itself does is tested against real servers.
 */
final class FakeRedis {
  private final FakeClock clock;
  private final Map<String, String> values = new HashMap<>();
  private final Map<String, Long> expiries = new HashMap<>();
  private final Map<String, Set<String>> waiters = new HashMap<>();
  private final List<Driver> drivers = new ArrayList<>();
  private long fence = 1_000;
  private volatile boolean clockFenced = true;

  FakeRedis(FakeClock clock) {
    this.clock = clock;
  }

  /**
   * Whether takes answer that their token is the server clock's (take.lua's third value); when not,
   * clients may not issue tokens locally.
   */
  void clockFenced(boolean clockFenced) {
    this.clockFenced = clockFenced;
  }

  /** The last fencing token stored (by takes, scripted hand-offs, and releases). */
  synchronized long fence() {
    return fence;
  }

  Driver newDriver() {
    Driver driver = new Driver();
    synchronized (this) {
      drivers.add(driver);
    }
    return driver;
  }

  synchronized String get(String key) {
    Long expiry = expiries.get(key);
    if (expiry != null && clock.nanoTime() - expiry >= 0) {
      values.remove(key);
      expiries.remove(key);
    }
    return values.get(key);
  }

  /** The ids of the clients that the waiters set of lock key {@code key} holds. */
  synchronized Set<String> waiting(String key) {
    return Set.copyOf(waiters.getOrDefault(key, Set.of()));
  }

  /** Deletes a key behind every client's back, as an operator or an expiry would. */
  synchronized void delete(String key) {
    values.remove(key);
    expiries.remove(key);
  }

  synchronized long pttl(String key) {
    if (get(key) == null) {
      return -2;
    }
    return (expiries.get(key) - clock.nanoTime()) / 1_000_000;
  }

  private synchronized void set(String key, String value, long millis) {
    values.put(key, value);
    expiries.put(key, clock.nanoTime() + millis * 1_000_000);
  }

  private void publish(String channel) {
    List<Driver> listeners;
    synchronized (this) {
      listeners = new ArrayList<>(drivers);
    }
    for (Driver d : listeners) {
      if (d.subscriptions.contains(channel)) {
        d.wakeUps.accept(channel);
      }
    }
  }

  /** One client's view, counting its calls; a held operation's replies wait for the test. */
  final class Driver implements LockDriver {
    private final Map<String, AtomicLong> calls = new ConcurrentHashMap<>();
    private final Set<String> held = ConcurrentHashMap.newKeySet();
    private final List<CompletableFuture<?>> heldReplies = new ArrayList<>();
    private final Set<String> subscriptions = ConcurrentHashMap.newKeySet();
    private final Set<String> lostAnswers = ConcurrentHashMap.newKeySet();
    private final Map<String, SendHold> sendHolds = new ConcurrentHashMap<>();
    private final Map<String, Runnable> beforeSends = new ConcurrentHashMap<>();
    private final List<String> sent = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile Consumer<String> wakeUps = c -> {};

    /** Sends of one operation after the first {@code passed}, run only behind an {@code until}. */
    private final class SendHold {
      final String until;
      final AtomicLong passed;
      final List<Runnable> waiting = new ArrayList<>();

      SendHold(String until, long passed) {
        this.until = until;
        this.passed = new AtomicLong(passed);
      }
    }

    /**
     * From now on, {@code held}'s commands after the next {@code passed} of them reach the server
     * only once this client sent an {@code until} command, right behind it and on its thread (their
     * replies too): as a sender that stalled before sending, or a command re-sent.
     */
    void holdSendsUntil(String held, long passed, String until) {
      sendHolds.put(held, new SendHold(until, passed));
    }

    /**
     * Runs {@code hook} once, on the sending thread, when this client next calls {@code operation},
     * before the command reaches the server: what a thread stalled there would let happen first.
     */
    void beforeNextSend(String operation, Runnable hook) {
      beforeSends.put(operation, hook);
    }

    /** The operations this client sent, in the order they reached the server. */
    List<String> sent() {
      return List.copyOf(sent);
    }

    /** From now on, {@code operation}'s commands run, but their answers are lost on the way. */
    void loseAnswers(String operation) {
      lostAnswers.add(operation);
    }

    long calls(String operation) {
      AtomicLong n = calls.get(operation);
      return n == null ? 0 : n.get();
    }

    /** From now on, replies to {@code operation} wait until {@link #completeHeld()}. */
    void hold(String operation) {
      held.add(operation);
    }

    /** Lets every held reply through, in order, and stops holding. */
    void completeHeld() {
      held.clear();
      List<CompletableFuture<?>> replies;
      synchronized (this) {
        replies = new ArrayList<>(heldReplies);
        heldReplies.clear();
      }
      for (CompletableFuture<?> reply : replies) {
        ((HeldReply<?>) reply).deliver();
      }
    }

    private <T> CompletableFuture<T> answer(String operation, java.util.function.Supplier<T> op) {
      Runnable hook = beforeSends.remove(operation);
      if (hook != null) {
        hook.run();
      }
      calls.computeIfAbsent(operation, o -> new AtomicLong()).incrementAndGet();
      SendHold hold = sendHolds.get(operation);
      if (hold != null && hold.passed.getAndDecrement() <= 0) {
        CompletableFuture<T> later = new CompletableFuture<>();
        synchronized (hold) {
          hold.waiting.add(() -> reply(operation, op).whenComplete(forward(later)));
        }
        return later;
      }
      CompletableFuture<T> reply = reply(operation, op);
      for (SendHold behind : sendHolds.values()) {
        if (behind.until.equals(operation)) {
          List<Runnable> now;
          synchronized (behind) {
            now = new ArrayList<>(behind.waiting);
            behind.waiting.clear();
          }
          now.forEach(Runnable::run);
        }
      }
      return reply;
    }

    private <T> java.util.function.BiConsumer<T, Throwable> forward(CompletableFuture<T> to) {
      return (value, error) -> {
        if (error != null) {
          to.completeExceptionally(error);
        } else {
          to.complete(value);
        }
      };
    }

    private <T> CompletableFuture<T> reply(String operation, java.util.function.Supplier<T> op) {
      sent.add(operation);
      T value = op.get(); // the command runs on the server at once; only its reply may wait
      if (lostAnswers.contains(operation)) {
        return CompletableFuture.failedFuture(
            new io.lettuce.core.RedisCommandTimeoutException("answer lost by the test"));
      }
      if (!held.contains(operation)) {
        return CompletableFuture.completedFuture(value);
      }
      HeldReply<T> reply = new HeldReply<>(value);
      synchronized (this) {
        heldReplies.add(reply);
      }
      return reply;
    }

    @Override
    public CompletableFuture<TakeResult> take(
        LockKeys keys, String token, long leaseMillis, Taker taker) {
      return answer(
          "take",
          () -> {
            synchronized (FakeRedis.this) {
              String holder = get(keys.key());
              if (holder == null || holder.equals(token)) {
                set(keys.key(), token, leaseMillis);
                if (holder == null) {
                  fence++;
                }
                return TakeResult.acquired(fence, clockFenced);
              }
              waiters.computeIfAbsent(keys.key(), k -> new HashSet<>()).add(taker.clientId());
              return TakeResult.busy(pttl(keys.key()), true);
            }
          });
    }

    @Override
    public CompletableFuture<TakeResult> handOff(
        LockKeys keys,
        String from,
        long lastFencingToken,
        String to,
        long leaseMillis,
        Taker taker) {
      return answer(
          "handOff",
          () -> {
            synchronized (FakeRedis.this) {
              if (!from.equals(get(keys.key()))) {
                return TakeResult.busy(0, true);
              }
              set(keys.key(), to, leaseMillis);
              Set<String> waiting = waiters.getOrDefault(keys.key(), Set.of());
              long others = waiting.stream().filter(id -> !id.equals(taker.clientId())).count();
              fence = Math.max(fence, lastFencingToken) + 1;
              return TakeResult.handedOff(fence, others, clockFenced);
            }
          });
    }

    @Override
    public boolean canHandOff() {
      return true;
    }

    @Override
    public CompletableFuture<Boolean> release(LockKeys keys, String token, long lastFencingToken) {
      CompletableFuture<Boolean> reply =
          answer(
              "release",
              () -> {
                synchronized (FakeRedis.this) {
                  if (!token.equals(get(keys.key()))) {
                    return false;
                  }
                  delete(keys.key());
                  fence = Math.max(fence, lastFencingToken);
                  return true;
                }
              });
      if (reply.getNow(false)) {
        publish(keys.channel());
      }
      return reply;
    }

    @Override
    public CompletableFuture<Boolean> extend(LockKeys keys, String token, long leaseMillis) {
      return answer(
          "extend",
          () -> {
            synchronized (FakeRedis.this) {
              if (!token.equals(get(keys.key()))) {
                return false;
              }
              set(keys.key(), token, leaseMillis);
              return true;
            }
          });
    }

    @Override
    public CompletableFuture<Boolean> unwait(String waitersKey, String clientId) {
      return answer(
          "unwait",
          () -> {
            synchronized (FakeRedis.this) {
              waiters.values().forEach(ids -> ids.remove(clientId));
              return true;
            }
          });
    }

    @Override
    public CompletableFuture<java.util.List<Object>> inspect(LockKeys keys) {
      throw new UnsupportedOperationException("not scripted");
    }

    @Override
    public CompletableFuture<String> breakLock(LockKeys keys, String owner) {
      throw new UnsupportedOperationException("not scripted");
    }

    @Override
    public CompletableFuture<java.util.List<String>> scanKeys(
        String pattern, String type, int limit) {
      throw new UnsupportedOperationException("not scripted");
    }

    @Override
    public CompletableFuture<Void> subscribe(String channel) {
      subscriptions.add(channel);
      wakeUps.accept(channel); // as the real drivers do on "subscribed"
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> unsubscribe(String channel) {
      subscriptions.remove(channel);
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public void onWakeUp(Consumer<String> channelConsumer) {
      this.wakeUps = channelConsumer;
    }

    @Override
    public String describe() {
      return "fake redis";
    }

    @Override
    public void close() {}
  }

  /** A reply the server has already produced, handed to the client only when the test says. */
  private static final class HeldReply<T> extends CompletableFuture<T> {
    private final T value;

    HeldReply(T value) {
      this.value = value;
    }

    void deliver() {
      complete(value);
    }
  }
}
