package io.redmutex.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.redmutex.Lease;
import io.redmutex.LockTimeoutException;
import io.redmutex.RedMutex;
import io.redmutex.testkit.PrintRedisLogsOnFailure;
import io.redmutex.testkit.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** {@link Locked} methods against a real redis-server. */
@ExtendWith(PrintRedisLogsOnFailure.class)
class LockedTest {
  private static RedisServer server;

  @BeforeAll
  static void startServer() {
    server = RedisServer.start();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  private ApplicationContextRunner runner() {
    return new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(RedMutexAutoConfiguration.class))
        .withPropertyValues("redmutex.uri=" + server.uri(), "orders.wait=2s", "jobs.prefix=jobs")
        .withBean(Orders.class);
  }

  /**
   * Beans under test. Tests read its state through methods: fields of a proxy are not the bean's.
   */
  static class Orders {
    private final List<String> seen = new ArrayList<>();
    private final AtomicInteger runs = new AtomicInteger();
    private volatile CompletableFuture<String> pending;

    public List<String> seen() {
      return seen;
    }

    public int runs() {
      return runs.get();
    }

    public CompletableFuture<String> pending() {
      return pending;
    }

    @Locked(name = "'orders:' + #order.id()")
    public long charge(Order order) {
      Lease lease = Locks.currentLease();
      seen.add(
          lease.name()
              + " held="
              + lease.isHeld()
              + " key="
              + server.command("EXISTS", lease.name()));
      return lease.fencingToken();
    }

    @Locked(name = "'orders:' + #p0 + ':' + #a1")
    public String positional(long id, String part) {
      return Locks.currentLease().name();
    }

    @Locked(name = "${jobs.prefix}:nightly", waitTimeout = "${orders.wait}")
    public String constant() {
      return Locks.currentLease().name();
    }

    @Locked(name = "'outer'")
    public List<String> nested(Orders self) {
      List<String> names = new ArrayList<>();
      names.add(Locks.currentLease().name());
      names.add(self.positional(7, "inner"));
      names.add(Locks.currentLease().name());
      return names;
    }

    @Locked(name = "busy")
    public void throwing() {
      runs.incrementAndGet();
    }

    @Locked(name = "busy", onBusy = Locked.OnBusy.SKIP)
    public void skipping() {
      runs.incrementAndGet();
    }

    @Locked(name = "busy", onBusy = Locked.OnBusy.SKIP)
    public Optional<String> skippingOptional() {
      runs.incrementAndGet();
      return Optional.of("ran");
    }

    @Locked(name = "#name")
    public String named(String name) {
      return Locks.currentLease().name();
    }

    @Locked(name = "'future:' + #id")
    public CompletableFuture<String> later(int id) {
      pending = new CompletableFuture<>();
      return pending;
    }

    @Locked(name = "'failing'")
    public void failing() {
      throw new IllegalStateException("boom");
    }
  }

  record Order(long id) {}

  @Test
  void lockedMethod_runsHoldingTheLease_andGivesItBackOnReturn() {
    runner()
        .run(
            context -> {
              Orders orders = context.getBean(Orders.class);
              long first = orders.charge(new Order(42));
              long second = orders.charge(new Order(42));
              assertThat(orders.seen())
                  .containsExactly("orders:42 held=true key=1", "orders:42 held=true key=1");
              assertThat(second).isGreaterThan(first);
              assertThat(server.command("EXISTS", "orders:42")).isEqualTo("0");
            });
  }

  @Test
  void names_resolvePositionalArgumentsPlaceholdersAndConstants() {
    runner()
        .run(
            context -> {
              Orders orders = context.getBean(Orders.class);
              assertThat(orders.positional(7, "x")).isEqualTo("orders:7:x");
              assertThat(orders.constant()).isEqualTo("jobs:nightly");
            });
  }

  @Test
  void nestedLockedMethods_seeTheirOwnLease_thenTheOuterOneAgain() {
    runner()
        .run(
            context -> {
              Orders orders = context.getBean(Orders.class);
              assertThat(orders.nested(orders)).containsExactly("outer", "orders:7:inner", "outer");
              assertThat(Locks.findCurrentLease()).isEmpty();
            });
  }

  @Test
  void busyLock_throwsLockTimeoutException_byDefault() {
    runner()
        .run(
            context -> {
              Orders orders = context.getBean(Orders.class);
              try (Lease other = otherClient().acquire("busy", Duration.ZERO)) {
                assertThatThrownBy(orders::throwing)
                    .isInstanceOf(LockTimeoutException.class)
                    .hasMessageContaining("busy");
              }
              assertThat(orders.runs()).isZero();
            });
  }

  @Test
  void busyLock_withSkip_doesNotRunTheMethod_andAnOptionalMethodReturnsEmpty() {
    runner()
        .run(
            context -> {
              Orders orders = context.getBean(Orders.class);
              try (Lease other = otherClient().acquire("busy", Duration.ZERO)) {
                orders.skipping();
                assertThat(orders.skippingOptional()).isEmpty();
              }
              assertThat(orders.runs()).isZero();
              assertThat(orders.skippingOptional()).contains("ran");
            });
  }

  @Test
  void futureReturningMethod_holdsTheLeaseUntilTheFutureCompletes() {
    runner()
        .run(
            context -> {
              Orders orders = context.getBean(Orders.class);
              CompletableFuture<String> result = orders.later(1);
              assertThat(server.command("EXISTS", "future:1")).isEqualTo("1");
              assertThat(result).isNotDone();
              orders.pending().complete("done");
              assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo("done");
              assertThat(server.command("EXISTS", "future:1")).isEqualTo("0");
            });
  }

  @Test
  void futureReturningMethod_whenBusy_returnsAFailedFuture() {
    runner()
        .run(
            context -> {
              Orders orders = context.getBean(Orders.class);
              try (Lease other = otherClient().acquire("future:2", Duration.ZERO)) {
                CompletableFuture<String> result = orders.later(2);
                assertThat(result).isCompletedExceptionally();
                assertThatThrownBy(result::join).hasCauseInstanceOf(LockTimeoutException.class);
              }
            });
  }

  @Test
  void aMethodThatThrows_stillGivesTheLeaseBack() {
    runner()
        .run(
            context -> {
              Orders orders = context.getBean(Orders.class);
              assertThatThrownBy(orders::failing).hasMessage("boom");
              assertThat(server.command("EXISTS", "failing")).isEqualTo("0");
            });
  }

  @Test
  void anEmptyOrTooLongEvaluatedName_isAnErrorNamingTheMethod() {
    runner()
        .run(
            context -> {
              Orders orders = context.getBean(Orders.class);
              assertThatThrownBy(() -> orders.named(""))
                  .isInstanceOf(IllegalArgumentException.class)
                  .hasMessageContaining("@Locked on Orders.named(String)")
                  .hasMessageContaining("empty");
              assertThatThrownBy(() -> orders.named("x".repeat(RedMutex.MAX_NAME_BYTES + 1)))
                  .isInstanceOf(IllegalArgumentException.class)
                  .hasMessageContaining("@Locked on Orders.named(String)")
                  .hasMessageContaining("UTF-8 bytes");
              assertThatThrownBy(() -> orders.named(null))
                  .hasMessageContaining("@Locked on Orders.named(String)")
                  .hasMessageContaining("null");
            });
  }

  @Test
  void currentLease_outsideALockedMethod_throws() {
    assertThatThrownBy(Locks::currentLease)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no @Locked method");
  }

  private static RedMutex otherClient() {
    return OTHER.get();
  }

  /** A second client, as another instance of the application would have. */
  private static final java.util.function.Supplier<RedMutex> OTHER =
      new java.util.function.Supplier<>() {
        private RedMutex client;

        @Override
        public synchronized RedMutex get() {
          if (client == null) {
            client = RedMutex.connect(server.uri());
          }
          return client;
        }
      };
}
