package io.redmutex.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.redmutex.testkit.PrintRedisLogsOnFailure;
import io.redmutex.testkit.RedisServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Two application contexts (two instances of one service) contend for the same {@code @Locked} name
 * on one Redis; and a context closing waits for its {@code @Locked} call in flight.
 */
@ExtendWith(PrintRedisLogsOnFailure.class)
class TwoApplicationsTest {
  private static RedisServer server;

  @BeforeAll
  static void startServer() {
    server = RedisServer.start();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  /** The one list both instances write to, in the order things happened. */
  static final List<String> EVENTS = new CopyOnWriteArrayList<>();

  /** The same job in every instance. */
  static class Report {
    private final String instance;
    private final AtomicInteger runs = new AtomicInteger();

    Report(String instance) {
      this.instance = instance;
    }

    @Locked(name = "report")
    public void holdUntil(CountDownLatch entered, CountDownLatch release)
        throws InterruptedException {
      EVENTS.add(instance + " start");
      entered.countDown();
      assertThat(release.await(30, TimeUnit.SECONDS)).isTrue();
      EVENTS.add(instance + " end held=" + Locks.currentLease().isHeld());
    }

    @Locked(name = "report", onBusy = Locked.OnBusy.SKIP)
    public void runIfFree() {
      runs.incrementAndGet();
    }

    @Locked(name = "report", waitTimeout = "30s")
    public void runWhenFree() {
      EVENTS.add(instance + " start");
      EVENTS.add(instance + " end");
    }

    public int runs() {
      return runs.get();
    }
  }

  private static ApplicationContextRunner instance(String name) {
    return new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(RedMutexAutoConfiguration.class))
        .withPropertyValues("redmutex.uri=" + server.uri(), "spring.application.name=" + name)
        .withBean(Report.class, () -> new Report(name));
  }

  @Test
  void sameLockedName_inTwoInstances_runsOneAtATime_andTheOtherSkipsOrWaits() {
    EVENTS.clear();
    instance("a")
        .run(
            a ->
                instance("b")
                    .run(
                        b -> {
                          CountDownLatch entered = new CountDownLatch(1);
                          CountDownLatch release = new CountDownLatch(1);
                          CompletableFuture<Void> holding =
                              CompletableFuture.runAsync(
                                  () ->
                                      call(
                                          () ->
                                              a.getBean(Report.class).holdUntil(entered, release)));
                          assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();

                          b.getBean(Report.class).runIfFree();
                          assertThat(b.getBean(Report.class).runs()).isZero();

                          CompletableFuture<Void> waiting =
                              CompletableFuture.runAsync(
                                  () -> b.getBean(Report.class).runWhenFree());
                          release.countDown();
                          holding.get(30, TimeUnit.SECONDS);
                          waiting.get(30, TimeUnit.SECONDS);
                          assertThat(EVENTS)
                              .containsExactly("a start", "a end held=true", "b start", "b end");

                          b.getBean(Report.class).runIfFree();
                          assertThat(b.getBean(Report.class).runs()).isEqualTo(1);
                        }));
  }

  @Test
  void closingTheContext_waitsForTheLockedCallInFlight_beforeClosingTheClient() throws Exception {
    EVENTS.clear();
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CompletableFuture<Void> holding = new CompletableFuture<>();
    CompletableFuture<Void> closing = new CompletableFuture<>();
    instance("c")
        .run(
            context -> {
              Report report = context.getBean(Report.class);
              CompletableFuture.runAsync(() -> call(() -> report.holdUntil(entered, release)))
                  .whenComplete((v, e) -> complete(holding, e));
              assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();
              ConfigurableApplicationContext closable = context.getSourceApplicationContext();
              CompletableFuture.runAsync(closable::close)
                  .whenComplete((v, e) -> complete(closing, e));
              await()
                  .atMost(Duration.ofSeconds(30))
                  .until(
                      () ->
                          Thread.getAllStackTraces().keySet().stream()
                              .anyMatch(t -> t.getName().equals("redmutex-shutdown")));
              assertThat(closing).isNotDone();
              release.countDown();
              holding.get(30, TimeUnit.SECONDS);
              closing.get(30, TimeUnit.SECONDS);
            });
    assertThat(EVENTS).containsExactly("c start", "c end held=true");
    assertThat(server.command("EXISTS", "report")).isEqualTo("0");
  }

  private static void complete(CompletableFuture<Void> future, Throwable error) {
    if (error == null) {
      future.complete(null);
    } else {
      future.completeExceptionally(error);
    }
  }

  interface Body {
    void run() throws Exception;
  }

  private static void call(Body body) {
    try {
      body.run();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
