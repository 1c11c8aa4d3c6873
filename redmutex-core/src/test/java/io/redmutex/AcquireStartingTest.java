package io.redmutex;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.redmutex.testkit.PrintRedisLogsOnFailure;
import io.redmutex.testkit.RedisServer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link LockListener#acquireStarting} (issue 22, for tracing): told on the calling thread before
 * the acquire, and its {@link LockListener.Acquisition} told the outcome once.
 */
@ExtendWith(PrintRedisLogsOnFailure.class)
class AcquireStartingTest {
  private static RedisServer redis;

  /** What the listener saw, with the thread it saw it on. */
  private final List<String> events = new CopyOnWriteArrayList<>();

  private final LockListener recorder =
      new LockListener() {
        @Override
        public Acquisition acquireStarting(String name) {
          events.add("starting " + name + " on " + Thread.currentThread().getName());
          return new Acquisition() {
            @Override
            public void acquired(Lease lease) {
              events.add("acquired " + lease.name() + " " + lease.fencingToken() + " " + thread());
            }

            @Override
            public void busy() {
              events.add("busy " + name + " " + thread());
            }

            @Override
            public void failed(Throwable cause) {
              events.add(
                  "failed " + name + " " + cause.getClass().getSimpleName() + " " + thread());
            }
          };
        }
      };

  private final String caller = Thread.currentThread().getName();

  @BeforeAll
  static void startRedis() {
    redis = RedisServer.start();
  }

  @AfterAll
  static void stopRedis() {
    redis.close();
  }

  private String thread() {
    return Thread.currentThread().getName().equals(caller) ? "on caller" : "elsewhere";
  }

  private RedMutex client(LockListener listener) {
    return RedMutex.builder().uri(redis.uri()).listener(listener).build();
  }

  @Test
  void acquire_tellsStartingAndAcquired_onTheCallingThread_beforeReturning() {
    try (RedMutex mutex = client(recorder)) {
      Lease lease = mutex.acquire("start:a", Duration.ofSeconds(1));
      assertThat(events)
          .containsExactly(
              "starting start:a on " + caller,
              "acquired start:a " + lease.fencingToken() + " on caller");
      lease.release();
    }
  }

  @Test
  void acquire_timingOut_tellsFailed_withTheCallersException() {
    try (RedMutex mutex = client(recorder);
        RedMutex other = RedMutex.connect(redis.uri())) {
      try (Lease held = other.acquire("start:b", Duration.ZERO)) {
        assertThatThrownBy(() -> mutex.acquire("start:b", Duration.ofMillis(50)))
            .isInstanceOf(LockTimeoutException.class);
      }
      assertThat(events)
          .containsExactly(
              "starting start:b on " + caller, "failed start:b LockTimeoutException on caller");
    }
  }

  @Test
  void tryAcquire_tellsBusy_orAcquired() {
    try (RedMutex mutex = client(recorder);
        RedMutex other = RedMutex.connect(redis.uri())) {
      Lease held = other.acquire("start:c", Duration.ZERO);
      assertThat(mutex.tryAcquire("start:c")).isEmpty();
      held.release();
      Optional<Lease> lease = mutex.tryAcquire("start:c");
      assertThat(lease).isPresent();
      assertThat(events)
          .containsExactly(
              "starting start:c on " + caller,
              "busy start:c on caller",
              "starting start:c on " + caller,
              "acquired start:c " + lease.get().fencingToken() + " on caller");
      lease.get().release();
    }
  }

  @Test
  void acquire_withABadName_tellsFailed_andStillThrows() {
    try (RedMutex mutex = client(recorder)) {
      assertThatThrownBy(() -> mutex.acquire("", Duration.ZERO))
          .isInstanceOf(IllegalArgumentException.class);
      assertThat(events)
          .containsExactly("starting  on " + caller, "failed  IllegalArgumentException on caller");
    }
  }

  @Test
  void acquireAsync_tellsStartingOnTheCallingThread_andTheOutcomeOnce() throws Exception {
    try (RedMutex mutex = client(recorder);
        RedMutex other = RedMutex.connect(redis.uri())) {
      Lease lease = mutex.acquireAsync("start:d", Duration.ofSeconds(1)).get(5, TimeUnit.SECONDS);
      // The outcome is told on whichever thread completes the future (the caller's, when it was
      // complete before acquireAsync returned).
      await()
          .untilAsserted(
              () ->
                  assertThat(events)
                      .hasSize(2)
                      .startsWith("starting start:d on " + caller)
                      .last()
                      .asString()
                      .startsWith("acquired start:d " + lease.fencingToken() + " "));
      // A wait given up by cancelling the future is told as failed, with the cancellation.
      CompletableFuture<Lease> waiting = mutex.acquireAsync("start:d", Duration.ofSeconds(30));
      waiting.cancel(true);
      await()
          .untilAsserted(
              () ->
                  assertThat(events)
                      .hasSize(4)
                      .element(3)
                      .asString()
                      .startsWith("failed start:d CancellationException "));
      assertThat(events.get(2)).isEqualTo("starting start:d on " + caller);
      assertThatThrownBy(waiting::join).isInstanceOf(CancellationException.class);
      lease.release();
      assertThat(other.tryAcquire("start:d")).isPresent(); // the cancelled wait left nothing held
    }
  }

  @Test
  void aListenerThatThrows_doesNotChangeTheAcquire() {
    LockListener throwing =
        new LockListener() {
          @Override
          public Acquisition acquireStarting(String name) {
            if (name.endsWith("starting")) {
              throw new IllegalStateException("listener bug");
            }
            return new Acquisition() {
              @Override
              public void acquired(Lease lease) {
                throw new IllegalStateException("listener bug");
              }
            };
          }
        };
    try (RedMutex mutex = client(throwing)) {
      mutex.acquire("start:e:starting", Duration.ZERO).release();
      Lease lease = mutex.acquire("start:e:acquired", Duration.ZERO);
      assertThat(lease.isHeld()).isTrue();
      lease.release();
    }
  }
}
