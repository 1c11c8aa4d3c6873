package io.redmutex.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The wake-up subscriptions of {@link WakeUps}, on a driver that answers subscriptions as told: no
 * Redis, no sleeps.
 */
class WakeUpsSubscriptionTest {
  private final SubscribingDriver driver = new SubscribingDriver();
  private final WakeUps wakeUps = new WakeUps(driver, "this-client", new FakeClock());

  @Test
  void join_whileTheChannelsSubscriptionFailed_subscribesAgain() {
    driver.answerNext(CompletableFuture.failedFuture(new IllegalStateException("node down")));
    WakeUps.Channel first = wakeUps.join("{lock}:wake");
    assertThat(first.subscribed()).isCompletedExceptionally();

    CompletableFuture<Void> second = new CompletableFuture<>();
    driver.answerNext(second);
    WakeUps.Channel again = wakeUps.join("{lock}:wake"); // the first user still waits

    assertThat(again).isSameAs(first);
    assertThat(driver.subscribes).containsExactly("{lock}:wake", "{lock}:wake");
    assertThat(again.subscribed()).isSameAs(second);
    second.complete(null);
    assertThat(wakeUps.joinIfSubscribed("{lock}:wake")).isSameAs(first);
  }

  @Test
  void join_whileTheSubscriptionIsPendingOrConfirmed_sharesIt() {
    CompletableFuture<Void> pending = new CompletableFuture<>();
    driver.answerNext(pending);
    WakeUps.Channel first = wakeUps.join("{lock}:wake");
    assertThat(wakeUps.join("{lock}:wake").subscribed()).isSameAs(pending);
    pending.complete(null);
    assertThat(wakeUps.join("{lock}:wake")).isSameAs(first);
    assertThat(driver.subscribes).containsExactly("{lock}:wake");
  }

  @Test
  void joinIfSubscribed_afterAFailedSubscription_isNull_andLeavingLastUnsubscribes() {
    driver.answerNext(CompletableFuture.failedFuture(new IllegalStateException("node down")));
    WakeUps.Channel c = wakeUps.join("{lock}:wake");
    assertThat(wakeUps.joinIfSubscribed("{lock}:wake")).isNull();
    wakeUps.leave(c);
    assertThat(driver.unsubscribes).containsExactly("{lock}:wake");
  }

  /** A driver that only (un)subscribes, answering each subscription with the future it is given. */
  private static final class SubscribingDriver implements LockDriver {
    final List<String> subscribes = new ArrayList<>();
    final List<String> unsubscribes = new ArrayList<>();
    private CompletableFuture<Void> next = CompletableFuture.completedFuture(null);

    void answerNext(CompletableFuture<Void> answer) {
      next = answer;
    }

    @Override
    public CompletableFuture<Void> subscribe(String channel) {
      subscribes.add(channel);
      CompletableFuture<Void> answer = next;
      next = CompletableFuture.completedFuture(null);
      return answer;
    }

    @Override
    public CompletableFuture<Void> unsubscribe(String channel) {
      unsubscribes.add(channel);
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public void onWakeUp(Consumer<String> channelConsumer) {}

    @Override
    public CompletableFuture<TakeResult> take(
        LockKeys keys, String token, long leaseMillis, Taker taker) {
      throw new UnsupportedOperationException();
    }

    @Override
    public CompletableFuture<TakeResult> handOff(
        LockKeys keys,
        String from,
        long lastFencingToken,
        String to,
        long leaseMillis,
        Taker taker) {
      throw new UnsupportedOperationException();
    }

    @Override
    public boolean canHandOff() {
      return false;
    }

    @Override
    public CompletableFuture<Boolean> release(LockKeys keys, String token, long lastFencingToken) {
      throw new UnsupportedOperationException();
    }

    @Override
    public CompletableFuture<Boolean> extend(LockKeys keys, String token, long leaseMillis) {
      throw new UnsupportedOperationException();
    }

    @Override
    public CompletableFuture<List<Object>> inspect(LockKeys keys) {
      throw new UnsupportedOperationException();
    }

    @Override
    public CompletableFuture<String> breakLock(LockKeys keys, String owner) {
      throw new UnsupportedOperationException();
    }

    @Override
    public CompletableFuture<Boolean> unwait(String waitersKey, String clientId) {
      return CompletableFuture.completedFuture(true);
    }

    @Override
    public CompletableFuture<List<String>> scanKeys(String pattern, String type, int limit) {
      throw new UnsupportedOperationException();
    }

    @Override
    public String describe() {
      return "fake";
    }

    @Override
    public void close() {}
  }
}
