package io.redmutex.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.cluster.SlotHash;
import io.redmutex.DistributedLock;
import io.redmutex.DistributedReadWriteLock;
import io.redmutex.DistributedSemaphore;
import io.redmutex.Internals;
import io.redmutex.Lease;
import io.redmutex.LockInfo;
import io.redmutex.LockLostException;
import io.redmutex.LockTimeoutException;
import io.redmutex.PermitsInfo;
import io.redmutex.RedMutex;
import io.redmutex.internal.CountingDriver;
import io.redmutex.testkit.PrintRedisLogsOnFailure;
import io.redmutex.testkit.RedisServer;
import io.redmutex.testkit.Timing;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What semaphores and read-write locks must do on every topology, written once; a subclass supplies
 * the Redis (standalone, Sentinel, Cluster) and the master that holds a key.
 */
@ExtendWith(PrintRedisLogsOnFailure.class)
public abstract class PermitContractTest {

  /** The URI clients connect with. */
  protected abstract String uri();

  /** The master that holds {@code key}. */
  protected abstract RedisServer masterFor(String key);

  private final List<RedMutex> clients = new ArrayList<>();
  private String name;

  @BeforeEach
  void nameAfterTest(TestInfo info) {
    name = "permits:" + info.getTestMethod().orElseThrow().getName() + ":" + System.nanoTime();
  }

  @AfterEach
  void closeClients() {
    clients.forEach(RedMutex::close);
    clients.clear();
    inspector = null;
  }

  private RedMutex inspector;

  /** One client for the polls of a test (a client per poll would open connections each time). */
  private RedMutex inspector() {
    if (inspector == null) {
      inspector = client();
    }
    return inspector;
  }

  protected RedMutex client() {
    return client(b -> {});
  }

  protected RedMutex client(Consumer<RedMutex.Builder> options) {
    RedMutex.Builder builder = RedMutex.builder().uri(uri());
    options.accept(builder);
    RedMutex client = builder.build();
    clients.add(client);
    return client;
  }

  private static Duration scaled(Duration d) {
    return Timing.scaled(d);
  }

  private String admin(String key, String... args) {
    return masterFor(key).command(args);
  }

  private String semKey() {
    return "{" + name + "}:sem";
  }

  private String rwKey(String suffix) {
    return "{" + name + "}:rw:" + suffix;
  }

  // ---- semaphore ----

  @Test
  void semaphore_admitsExactlyItsPermits_acrossClients_thenRefusesTheNext() {
    DistributedSemaphore a = client().semaphore(name, 3);
    DistributedSemaphore b = client().semaphore(name, 3);
    Lease one = a.acquire(Duration.ZERO);
    Lease two = b.acquire(Duration.ZERO);
    Lease three = a.acquire(Duration.ZERO);

    assertThat(b.tryAcquire()).isEmpty();
    assertThat(a.availablePermits()).isZero();
    assertThat(b.holders()).hasSize(3);
    assertThatThrownBy(() -> b.acquire(Duration.ofMillis(100)))
        .isInstanceOf(LockTimeoutException.class)
        .hasMessageContaining(name)
        .hasMessageContaining("3 permits");

    two.release();
    assertThat(a.availablePermits()).isOne();
    Optional<Lease> four = b.tryAcquire();
    assertThat(four).isPresent();
    List.of(one, three, four.get()).forEach(Lease::release);
    assertThat(a.availablePermits()).isEqualTo(3);
  }

  @Test
  void semaphore_neverMoreThanItsPermits_eightThreadsOverTwoClients() throws Exception {
    int permits = 3;
    DistributedSemaphore[] semaphores = {
      client().semaphore(name, permits), client().semaphore(name, permits)
    };
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    AtomicInteger overruns = new AtomicInteger();
    runThreads(
        8,
        t -> {
          for (int i = 0; i < 15; i++) {
            try (Lease permit = semaphores[t % 2].acquire(scaled(Duration.ofSeconds(60)))) {
              int now = inside.incrementAndGet();
              most.accumulateAndGet(now, Math::max);
              if (now > permits || !permit.isHeld()) {
                overruns.incrementAndGet();
              }
              Thread.yield();
              inside.decrementAndGet();
            }
          }
        });
    assertThat(overruns).hasValue(0);
    assertThat(most.get()).isBetween(1, permits);
  }

  @Test
  void semaphore_withAnotherNumberOfPermitsWhileInUse_isAClearError() {
    Lease held = client().semaphore(name, 3).acquire(Duration.ZERO);
    DistributedSemaphore other = client().semaphore(name, 4);

    assertThatThrownBy(() -> other.acquire(Duration.ZERO))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(name)
        .hasMessageContaining("3 permits in Redis")
        .hasMessageContaining("asked for 4");
    held.release();
    // Nobody holds or waits now: the semaphore can be used with another number.
    other.acquire(Duration.ZERO).release();
  }

  @Test
  void semaphore_badPermits_failFast() {
    RedMutex client = client();
    assertThatThrownBy(() -> client.semaphore(name, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("permits");
    assertThatThrownBy(() -> client.semaphore("", 1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void semaphore_waiter_isWokenByARelease_notByPolling() {
    CountingDriver.Calls calls = new CountingDriver.Calls();
    DistributedSemaphore holder = client().semaphore(name, 1); // lease time 30 s
    DistributedSemaphore waiting = client(b -> Internals.countScripts(b, calls)).semaphore(name, 1);
    Lease held = holder.acquire(Duration.ZERO);
    RedMutex waiterClient = clients.get(1);
    CompletableFuture<Lease> waiter = waiting.acquireAsync(scaled(Duration.ofSeconds(20)));
    await().until(() -> Internals.parkedSemaphoreWaiters(waiterClient, name) == 1);
    long takesWhileHeld = calls.of("permit_take");

    held.release();

    Lease got = waiter.join();
    // One take after the release; the fallback timer (the holder's 30 s lease) did not fire.
    assertThat(calls.of("permit_take")).isEqualTo(takesWhileHeld + 1);
    assertThat(got.fencingToken()).isGreaterThan(held.fencingToken());
    got.release();
  }

  /**
   * Two clients of eight threads each loop on four permits: no thread goes without a permit while
   * the others take thousands (counted in acquisitions, not time). It caught one client's threads
   * going tens of thousands of acquisitions without one (with a same-client hand-off of permits,
   * since taken out): their wake-up subscription had been undone by an UNSUBSCRIBE that reached
   * Redis after it (see {@code PubSubLink}), so only their fallback timers woke them.
   */
  @Test
  void semaphore_twoBusyClients_noThreadIsStarved() throws Exception {
    DistributedSemaphore[] clients = {client().semaphore(name, 4), client().semaphore(name, 4)};
    long total = 30_000;
    AtomicLong acquisitions = new AtomicLong();
    long[] longestGap = new long[16];
    // Eight threads per client; a LockTimeoutException (a thread starved for a minute) fails here.
    runThreads(
        longestGap.length,
        thread -> {
          long last = 0;
          while (acquisitions.get() < total) {
            DistributedSemaphore semaphore = clients[thread % 2];
            try (Lease permit = semaphore.acquire(scaled(Duration.ofSeconds(60)))) {
              long now = acquisitions.incrementAndGet();
              longestGap[thread] = Math.max(longestGap[thread], now - last);
              last = now;
            }
          }
        });
    // Fair turns would give each thread one acquisition in 16 (gaps of 95-125 were measured). A
    // starved thread misses tens of thousands.
    assertThat(Arrays.stream(longestGap).max().orElseThrow())
        .as(
            "the most acquisitions by others between two of one thread's, by thread: %s",
            Arrays.toString(longestGap))
        .isLessThan(3_000);
  }

  @Test
  void semaphore_crashedHolder_freesItsPermitWithinTheLeaseTime() throws Exception {
    long leaseMillis = 1000;
    DistributedSemaphore semaphore = client().semaphore(name, 1);
    try (CrashingHolder holder = new CrashingHolder(uri(), "permit:1", name, leaseMillis)) {
      assertThat(semaphore.tryAcquire()).isEmpty();
      holder.kill();
      // Free once its last renewal's lease time passed by the server's clock; nobody released it.
      Lease permit = semaphore.acquire(scaled(Duration.ofMillis(leaseMillis * 3)));
      assertThat(permit.fencingToken()).isGreaterThan(holder.fencingToken());
      permit.release();
    }
  }

  @Test
  void semaphore_renewal_keepsPermitsPastTheLeaseTime() {
    CountingDriver.Calls calls = new CountingDriver.Calls();
    DistributedSemaphore semaphore =
        client(b -> Internals.countScripts(b.leaseTime(Duration.ofMillis(1500)), calls))
            .semaphore(name, 2);
    Lease one = semaphore.acquire(Duration.ZERO);
    Lease two = semaphore.acquire(Duration.ZERO);

    // Ten renewals of each, over three lease times: without them both permits would be free. (A
    // lease of 1.5 s: a loaded machine's scheduling stall of a few hundred ms is no loss.)
    await().atMost(scaled(Duration.ofSeconds(30))).until(() -> calls.of("permit_extend") >= 20);

    assertThat(one.isHeld()).isTrue();
    assertThat(two.isHeld()).isTrue();
    assertThat(client().semaphore(name, 2).tryAcquire()).isEmpty();
    one.release();
    two.release();
  }

  @Test
  void semaphore_loss_whenPermitRemoved_isDetectedByRenewal() {
    Lease permit =
        client(b -> b.leaseTime(Duration.ofSeconds(1))).semaphore(name, 2).acquire(Duration.ZERO);
    CountDownLatch lost = new CountDownLatch(1);
    permit.onLost(lost::countDown);

    admin(semKey(), "DEL", semKey());

    await().atMost(scaled(Duration.ofSeconds(10))).until(() -> lost.getCount() == 0);
    assertThat(permit.isHeld()).isFalse();
    assertThatThrownBy(permit::release).isInstanceOf(LockLostException.class);
    assertThatThrownBy(() -> permit.extend(Duration.ofSeconds(1)))
        .isInstanceOf(LockLostException.class);
  }

  @Test
  void semaphore_fencingTokens_increaseStrictly_acrossClients() {
    DistributedSemaphore[] semaphores = {client().semaphore(name, 2), client().semaphore(name, 2)};
    long last = 0;
    for (int i = 0; i < 20; i++) {
      Lease permit = semaphores[i % 2].acquire(Duration.ZERO);
      assertThat(permit.fencingToken()).isGreaterThan(last);
      last = permit.fencingToken();
      permit.release();
    }
  }

  @Test
  void semaphore_keys_allInOneSlot_allWithTtl() {
    DistributedSemaphore semaphore = client().semaphore(name, 1);
    Lease held = semaphore.acquire(Duration.ZERO);
    CompletableFuture<Lease> waiter =
        client().semaphore(name, 1).acquireAsync(scaled(Duration.ofSeconds(20)));
    await().until(() -> inspector().inspectSemaphore(name).waitingClients() == 1);

    for (String key : List.of(semKey(), semKey() + ":info", semKey() + ":waiters")) {
      assertThat(Long.parseLong(admin(key, "PTTL", key))).as("PTTL of %s", key).isPositive();
      assertThat(SlotHash.getSlot(key)).isEqualTo(SlotHash.getSlot(name));
    }
    held.release();
    waiter.join().release();
  }

  @Test
  void semaphore_inspect_showsPermitsHoldersAndWaiters() {
    RedMutex holderClient = client(b -> b.clientName("sem-holder"));
    Lease held = holderClient.semaphore(name, 1).acquire(Duration.ZERO);
    CompletableFuture<Lease> waiter =
        client().semaphore(name, 1).acquireAsync(scaled(Duration.ofSeconds(20)));
    RedMutex inspector = client();
    await().until(() -> inspector.inspectSemaphore(name).waitingClients() == 1);

    PermitsInfo info = inspector.inspectSemaphore(name);
    assertThat(info.permits()).hasValue(1);
    assertThat(info.holdersCount()).isOne();
    assertThat(info.holders().get(0).holder()).startsWith("sem-holder on ");
    assertThat(info.holders().get(0).remaining()).isPositive();
    assertThat(info.fencingToken()).isEqualTo(held.fencingToken());
    held.release();
    waiter.join().release();
  }

  @Test
  void semaphore_acquireAsync_cancelledWhileWaiting_leavesNothingHeld() {
    DistributedSemaphore semaphore = client().semaphore(name, 1);
    Lease held = semaphore.acquire(Duration.ZERO);
    RedMutex waiterClient = client();
    CompletableFuture<Lease> waiter =
        waiterClient.semaphore(name, 1).acquireAsync(scaled(Duration.ofSeconds(20)));
    await().until(() -> Internals.parkedSemaphoreWaiters(waiterClient, name) == 1);

    waiter.cancel(false);
    held.release();

    await().until(() -> Internals.parkedSemaphoreWaiters(waiterClient, name) == 0);
    assertThat(semaphore.availablePermits()).isOne();
  }

  /**
   * A take on its way when the acquire ends is given back then; if it reaches Redis only after that
   * give-back (a thread stalled before sending, a command re-sent) and its answer is lost, the
   * permit it took is given back once that answer fails, not held by nobody for a lease time.
   */
  @Test
  void semaphore_takeThatLandsAfterItsGiveBack_andIsNotAnswered_isGivenBackAgain() {
    AtomicReference<CountingDriver> driver = new AtomicReference<>();
    DistributedSemaphore semaphore =
        client(o -> Internals.tapScripts(o, driver)).semaphore(name, 1);
    // Once taken and given back, so that Redis knows the scripts: no NOSCRIPT resend reorders.
    semaphore.acquire(Duration.ZERO).release();
    AtomicInteger takesAnswered = new AtomicInteger();
    driver.get().holdSendsUntil("permit_take", 0, "permit_release");
    driver.get().countAnswers("permit_take", takesAnswered, true);

    CompletableFuture<Lease> taking = semaphore.acquireAsync(Duration.ofMinutes(1));
    await().until(() -> driver.get().calls().of("permit_take") == 2); // held back
    taking.cancel(true);
    await().until(() -> takesAnswered.get() == 1); // it took the permit, after the give-back

    await().until(() -> semaphore.availablePermits() == 1);
  }

  /** Issue 19: as a lock's (see LockContractTest), for a semaphore's waiters. */
  @Test
  void semaphore_takeAnsweredBusyAfterItsGiveUp_leavesItsClientOutOfTheWaiters() {
    Lease held = client().semaphore(name, 1).acquire(Duration.ZERO);
    AtomicReference<CountingDriver> driver = new AtomicReference<>();
    RedMutex waiterClient = client(o -> Internals.tapScripts(o, driver));
    DistributedSemaphore waiter = waiterClient.semaphore(name, 1);
    CompletableFuture<Lease> first = waiter.acquireAsync(Duration.ofMinutes(1));
    await().until(() -> Internals.parkedSemaphoreWaiters(waiterClient, name) == 1);
    first.cancel(true);
    await().until(() -> inspector().inspectSemaphore(name).waitingClients() == 0);
    long takesBefore = driver.get().calls().of("permit_take");
    AtomicInteger takesAnswered = new AtomicInteger();
    driver.get().holdSendsUntil("permit_take", 1, "unwait");
    driver.get().countAnswers("permit_take", takesAnswered, false);

    CompletableFuture<Lease> second = waiter.acquireAsync(Duration.ofMinutes(1));
    await().until(() -> driver.get().calls().of("permit_take") == takesBefore + 2);
    second.cancel(true);
    await().until(() -> takesAnswered.get() == 2);

    await().until(() -> inspector().inspectSemaphore(name).waitingClients() == 0);
    assertThat(held.isHeld()).isTrue();
  }

  /** Lease.releaseAfter, for a permit: still held in Redis after its release and close. */
  @Test
  void semaphore_releaseAfter_keepsThePermitUntilTheDelay_throughReleaseAndClose() {
    RedMutex holder = client();
    Lease permit = holder.semaphore(name, 1).acquire(Duration.ZERO);

    permit.releaseAfter(Duration.ofSeconds(20));

    assertThat(permit.isHeld()).isFalse();
    permit.release(); // does nothing now
    holder.close(); // nor does close
    DistributedSemaphore other = client().semaphore(name, 1);
    assertThat(other.availablePermits()).isZero();
    assertThat(other.tryAcquire()).isEmpty();
    admin(semKey(), "ZREMRANGEBYRANK", semKey(), "0", "-1"); // as if the 20 s had passed
    Lease next = other.acquire(scaled(Duration.ofSeconds(30)));
    assertThat(next.fencingToken()).isGreaterThan(permit.fencingToken());
  }

  // ---- read-write lock ----

  @Test
  void readWrite_readersShare_writerExcludesBoth() {
    DistributedReadWriteLock a = client().readWriteLock(name);
    DistributedReadWriteLock b = client().readWriteLock(name);
    Lease r1 = a.read().acquire(Duration.ZERO);
    Lease r2 = b.read().acquire(Duration.ZERO);
    assertThat(a.write().tryAcquire()).isEmpty();
    assertThat(a.holders()).hasSize(2);
    r1.release();
    r2.release();

    Lease w = b.write().acquire(Duration.ZERO);
    assertThat(a.read().tryAcquire()).isEmpty();
    assertThat(a.write().tryAcquire()).isEmpty();
    assertThat(a.holders()).singleElement().satisfies(h -> assertThat(h.writer()).isTrue());
    w.release();
    a.read().acquire(Duration.ZERO).release();
  }

  @Test
  void readWrite_exclusion_eightThreadsOverTwoClients_mostlyReads() throws Exception {
    DistributedReadWriteLock[] locks = {client().readWriteLock(name), client().readWriteLock(name)};
    AtomicInteger readers = new AtomicInteger();
    AtomicInteger writers = new AtomicInteger();
    AtomicInteger violations = new AtomicInteger();
    AtomicInteger writes = new AtomicInteger();
    runThreads(
        8,
        t -> {
          for (int i = 0; i < 20; i++) {
            boolean write = ThreadLocalRandom.current().nextInt(10) == 0;
            DistributedReadWriteLock lock = locks[t % 2];
            Duration wait = scaled(Duration.ofSeconds(60));
            try (Lease lease = write ? lock.write().acquire(wait) : lock.read().acquire(wait)) {
              AtomicInteger mine = write ? writers : readers;
              mine.incrementAndGet();
              if (writers.get() > 1 || (writers.get() == 1 && readers.get() > 0)) {
                violations.incrementAndGet();
              }
              if (write) {
                writes.incrementAndGet();
              }
              Thread.yield();
              mine.decrementAndGet();
            }
          }
        });
    assertThat(violations).hasValue(0);
  }

  @Test
  void readWrite_twoBusyClients_mostlyReads_everyWaiterIsWokenByARelease() throws Exception {
    // Leases of 60 s, holds of microseconds: a waiter that missed the release meant for it would
    // sleep until a lease or a waiting writer's intent ends (60 s or more), past the 20 s it may
    // wait here. So does a whole client whose wake-up went to a waiter that cannot use it (a
    // reader behind a writer's intent) while the writer that could sat parked.
    DistributedReadWriteLock[] clients = new DistributedReadWriteLock[2];
    for (int c = 0; c < 2; c++) {
      clients[c] = client(b -> b.leaseTime(Duration.ofSeconds(60))).readWriteLock(name);
    }
    long total = 5_000;
    AtomicLong acquisitions = new AtomicLong();
    // Eight threads per client; a LockTimeoutException (a waiter left asleep) fails here.
    runThreads(
        16,
        thread -> {
          while (acquisitions.get() < total) {
            DistributedReadWriteLock lock = clients[thread % 2];
            boolean write = ThreadLocalRandom.current().nextInt(10) == 0;
            Duration wait = scaled(Duration.ofSeconds(20));
            try (Lease lease = (write ? lock.write() : lock.read()).acquire(wait)) {
              acquisitions.incrementAndGet();
            }
          }
        });
  }

  @Test
  void readWrite_waitingWriter_stopsNewReaders_untilItHadItsTurn() {
    DistributedReadWriteLock a = client().readWriteLock(name);
    RedMutex writerClient = client();
    Lease reading = a.read().acquire(Duration.ZERO);
    CompletableFuture<Lease> writer =
        writerClient.readWriteLock(name).write().acquireAsync(scaled(Duration.ofSeconds(20)));
    await().until(() -> Internals.parkedReadWriteWaiters(writerClient, name) == 1);

    assertThat(inspector().inspectReadWriteLock(name).writerWaiting()).isPresent();
    assertThat(client().readWriteLock(name).read().tryAcquire()).isEmpty();

    reading.release();
    Lease writing = writer.join();
    assertThat(writing.fencingToken()).isGreaterThan(reading.fencingToken());
    writing.release();
    a.read().acquire(Duration.ZERO).release();
  }

  @Test
  void readWrite_writerThatGivesUp_letsReadersInAtOnce() {
    DistributedReadWriteLock a = client().readWriteLock(name);
    Lease reading = a.read().acquire(Duration.ZERO);
    DistributedReadWriteLock b = client().readWriteLock(name);
    assertThatThrownBy(() -> b.write().acquire(Duration.ofMillis(200)))
        .isInstanceOf(LockTimeoutException.class);

    await().until(() -> inspector().inspectReadWriteLock(name).writerWaiting().isEmpty());
    Optional<Lease> second = b.read().tryAcquire();
    assertThat(second).isPresent();
    second.get().release();
    reading.release();
  }

  /** The thread whose write was refused reads at once: its own writer's intent is gone. */
  @Test
  void readWrite_writeRefused_thenReadInTheSameThread_isNotHeldBackByItsOwnIntent() {
    Lease reading = client().readWriteLock(name).read().acquire(Duration.ZERO);
    DistributedReadWriteLock b = client().readWriteLock(name);
    for (int i = 0; i < 300; i++) {
      assertThat(b.write().tryAcquire()).isEmpty();
      Optional<Lease> read = b.read().tryAcquire();
      assertThat(read).as("read after refused write #%d", i).isPresent();
      read.get().release();
    }
    reading.release();
  }

  /**
   * A writer's try still on its way when its wait ends (here its send is held back until the
   * give-up's withdraw has gone, as a stalled thread or a re-sent command would do) leaves the
   * writer's intent again behind the withdraw; its late answer must take it back, or new readers
   * wait out the intent's bound (the lease time and more) for a writer that is gone.
   */
  @Test
  void readWrite_writerWhoseTryLandsAfterItGaveUp_stillLetsReadersIn() {
    Lease reading = client().readWriteLock(name).read().acquire(Duration.ZERO);
    AtomicReference<CountingDriver> driver = new AtomicReference<>();
    DistributedReadWriteLock b = client(o -> Internals.tapScripts(o, driver)).readWriteLock(name);
    // Once refused, so that Redis knows the scripts: no NOSCRIPT resend reorders what follows.
    assertThat(b.write().tryAcquire()).isEmpty();
    await().until(() -> driver.get().calls().of("write_withdraw") == 1); // its withdraw is sent
    long triesBefore = driver.get().calls().of("write_take");
    AtomicInteger takesAnswered = new AtomicInteger();
    driver.get().holdSendsUntil("write_take", 1, "write_withdraw");
    driver.get().countAnswers("write_take", takesAnswered, false);

    CompletableFuture<Lease> writing = b.write().acquireAsync(Duration.ofMinutes(1));
    // The first try finds the reader; the second (once subscribed) is held back.
    await().until(() -> driver.get().calls().of("write_take") >= triesBefore + 2);
    writing.cancel(true);
    await().until(() -> takesAnswered.get() == 2);

    await().until(() -> inspector().inspectReadWriteLock(name).writerWaiting().isEmpty());
    Optional<Lease> second = b.read().tryAcquire();
    assertThat(second).isPresent();
    second.get().release();
    reading.release();
  }

  @Test
  void readWrite_writersToken_isLargerThanEveryEarlierToken() {
    DistributedReadWriteLock a = client().readWriteLock(name);
    DistributedReadWriteLock b = client().readWriteLock(name);
    long highest = 0;
    for (int i = 0; i < 5; i++) {
      Lease r1 = a.read().acquire(Duration.ZERO);
      Lease r2 = b.read().acquire(Duration.ZERO);
      highest = Math.max(highest, Math.max(r1.fencingToken(), r2.fencingToken()));
      r1.release();
      r2.release();
      Lease w = (i % 2 == 0 ? a : b).write().acquire(Duration.ZERO);
      assertThat(w.fencingToken()).isGreaterThan(highest);
      highest = w.fencingToken();
      w.release();
    }
  }

  @Test
  void readWrite_crashedReader_freesTheLockWithinTheLeaseTime() throws Exception {
    long leaseMillis = 1000;
    DistributedReadWriteLock lock = client().readWriteLock(name);
    try (CrashingHolder reader = new CrashingHolder(uri(), "read", name, leaseMillis)) {
      assertThat(lock.write().tryAcquire()).isEmpty();
      reader.kill();
      Lease writing = lock.write().acquire(scaled(Duration.ofMillis(leaseMillis * 3)));
      assertThat(writing.fencingToken()).isGreaterThan(reader.fencingToken());
      writing.release();
    }
  }

  @Test
  void readWrite_renewal_keepsReadAndWriteHoldsPastTheLeaseTime() {
    CountingDriver.Calls calls = new CountingDriver.Calls();
    DistributedReadWriteLock lock =
        client(b -> Internals.countScripts(b.leaseTime(Duration.ofMillis(1500)), calls))
            .readWriteLock(name);
    Lease writing = lock.write().acquire(Duration.ZERO);
    // Six renewals, two lease times, of each hold.
    await().atMost(scaled(Duration.ofSeconds(30))).until(() -> calls.of("permit_extend") >= 6);
    assertThat(writing.isHeld()).isTrue();
    assertThat(client().readWriteLock(name).read().tryAcquire()).isEmpty();
    writing.release();

    Lease reading = lock.read().acquire(Duration.ZERO);
    long before = calls.of("permit_extend");
    await()
        .atMost(scaled(Duration.ofSeconds(30)))
        .until(() -> calls.of("permit_extend") >= before + 6);
    assertThat(reading.isHeld()).isTrue();
    assertThat(client().readWriteLock(name).write().tryAcquire()).isEmpty();
    reading.release();
  }

  @Test
  void readWrite_loss_whenWriterRemoved_isDetectedByRenewal() {
    Lease writing =
        client(b -> b.leaseTime(Duration.ofSeconds(1)))
            .readWriteLock(name)
            .write()
            .acquire(Duration.ZERO);
    CountDownLatch lost = new CountDownLatch(1);
    writing.onLost(lost::countDown);

    admin(rwKey("writer"), "DEL", rwKey("writer"));

    await().atMost(scaled(Duration.ofSeconds(10))).until(() -> lost.getCount() == 0);
    assertThat(writing.isHeld()).isFalse();
    assertThatThrownBy(writing::release).isInstanceOf(LockLostException.class);
  }

  @Test
  void readWrite_views_reentrant_downgradeAllowed_upgradeRefused() {
    DistributedReadWriteLock lock = client().readWriteLock(name);
    DistributedLock read = lock.readLock();
    DistributedLock write = lock.writeLock();

    write.lock();
    write.lock();
    assertThat(write.getHoldCount()).isEqualTo(2);
    read.lock(); // downgrade: beside this thread's own writer
    assertThat(read.isHeldByCurrentThread()).isTrue();
    assertThat(read.fencingToken()).isGreaterThan(write.fencingToken());
    write.unlock();
    write.unlock();
    assertThat(write.isHeldByCurrentThread()).isFalse();
    Optional<Lease> otherReader = client().readWriteLock(name).read().tryAcquire();
    assertThat(otherReader).isPresent();
    otherReader.get().release();

    assertThatThrownBy(write::lock)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("upgrade");
    read.unlock();
    assertThatThrownBy(read::unlock).isInstanceOf(IllegalMonitorStateException.class);
    assertThat(write.tryLock()).isTrue();
    write.unlock();
  }

  @Test
  void readWrite_keys_allInOneSlot_allWithTtl() {
    DistributedReadWriteLock lock = client().readWriteLock(name);
    Lease reading = lock.read().acquire(Duration.ZERO);
    CompletableFuture<Lease> writer =
        client().readWriteLock(name).write().acquireAsync(scaled(Duration.ofSeconds(20)));
    await().until(() -> inspector().inspectReadWriteLock(name).writerWaiting().isPresent());

    for (String key : List.of(rwKey("readers"), rwKey("info"), rwKey("intent"), rwKey("waiters"))) {
      assertThat(Long.parseLong(admin(key, "PTTL", key))).as("PTTL of %s", key).isPositive();
      assertThat(SlotHash.getSlot(key)).isEqualTo(SlotHash.getSlot(name));
    }
    reading.release();
    Lease writing = writer.join();
    String key = rwKey("writer");
    assertThat(Long.parseLong(admin(key, "PTTL", key))).as("PTTL of %s", key).isPositive();
    writing.release();
  }

  // ---- listing (issue 11) ----

  @Test
  void list_findsHeldSemaphoresAndReadWriteLocks_eachAsItsKind_byPattern() {
    RedMutex holder = client(b -> b.clientName("list-holder"));
    Lease permit = holder.semaphore(name + ":sem-a", 3).acquire(Duration.ZERO);
    Lease other = holder.semaphore(name + ":sem-b", 1).acquire(Duration.ZERO);
    Lease reading = holder.readWriteLock(name + ":rw").read().acquire(Duration.ZERO);
    Lease locked = holder.acquire(name + ":lock", Duration.ZERO);
    Lease elsewhere = holder.semaphore("unlisted:" + name, 1).acquire(Duration.ZERO);

    List<PermitsInfo> semaphores = inspector().listSemaphores(name + ":*", 100);
    List<PermitsInfo> readWrite = inspector().listReadWriteLocks(name + ":*", 100);

    assertThat(semaphores)
        .extracting(PermitsInfo::name)
        .containsExactly(name + ":sem-a", name + ":sem-b");
    PermitsInfo a = semaphores.get(0);
    assertThat(a.permits()).hasValue(3);
    assertThat(a.holdersCount()).isOne();
    assertThat(a.holders().get(0).holder()).startsWith("list-holder on ");
    assertThat(a.holders().get(0).remaining()).isPositive();
    assertThat(a.fencingToken()).isEqualTo(permit.fencingToken());
    assertThat(semaphores.get(1).fencingToken()).isEqualTo(other.fencingToken());
    assertThat(readWrite).extracting(PermitsInfo::name).containsExactly(name + ":rw");
    assertThat(readWrite.get(0).permits()).isEmpty();
    assertThat(readWrite.get(0).holdersCount()).isOne();
    assertThat(readWrite.get(0).fencingToken()).isEqualTo(reading.fencingToken());
    // Each kind only as itself: the lock is no semaphore, the semaphores are no locks.
    assertThat(inspector().list(name + ":*", 100))
        .extracting(LockInfo::name)
        .containsExactly(name + ":lock");
    List.of(permit, other, reading, locked, elsewhere).forEach(Lease::release);
  }

  @Test
  void list_stopsAtItsLimit_countingOnlyItsKind() {
    for (int i = 0; i < 3; i++) {
      client().semaphore(name + ":" + i, 1).acquire(Duration.ZERO);
    }
    client().readWriteLock(name + ":rw").write().acquire(Duration.ZERO);
    client().acquire(name + ":lock", Duration.ZERO);

    assertThat(inspector().listSemaphores(name + ":*", 2)).hasSize(2);
    assertThat(inspector().listSemaphores(name + ":*", 3))
        .extracting(PermitsInfo::name)
        .containsExactly(name + ":0", name + ":1", name + ":2");
    assertThat(inspector().listSemaphores(name + ":*", 4)).hasSize(3);
    assertThat(inspector().listReadWriteLocks(name + ":*", 1))
        .extracting(PermitsInfo::name)
        .containsExactly(name + ":rw");
    assertThatThrownBy(() -> inspector().listSemaphores("*", 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("limit must be positive, was 0");
  }

  @Test
  void list_readsNamesBack_underAPrefix_andWithAHashTag() {
    RedMutex prefixed = client(b -> b.keyPrefix("app:"));
    String tagged = "{" + name + "}:x";
    prefixed.semaphore(name + ":plain", 2).acquire(Duration.ZERO);
    prefixed.semaphore(tagged, 2).acquire(Duration.ZERO);
    prefixed.readWriteLock(tagged).read().acquire(Duration.ZERO);
    client().semaphore(name + ":unprefixed", 2).acquire(Duration.ZERO);

    assertThat(prefixed.listSemaphores("*" + name + "*", 100))
        .extracting(PermitsInfo::name)
        .containsExactlyInAnyOrder(name + ":plain", tagged);
    assertThat(prefixed.listReadWriteLocks("*" + name + "*", 100))
        .extracting(PermitsInfo::name)
        .containsExactly(tagged);
    assertThat(prefixed.listSemaphores(tagged, 100))
        .singleElement()
        .satisfies(s -> assertThat(s.holdersCount()).isOne());
  }

  @Test
  void list_showsAWaitingWriter_asTheReadWriteLocks_notAsALock() {
    Lease reading = client().readWriteLock(name).read().acquire(Duration.ZERO);
    CompletableFuture<Lease> writer =
        client().readWriteLock(name).write().acquireAsync(scaled(Duration.ofSeconds(20)));
    await().until(() -> inspector().inspectReadWriteLock(name).writerWaiting().isPresent());

    assertThat(admin(rwKey("intent"), "TYPE", rwKey("intent"))).isEqualTo("string");
    assertThat(inspector().list("*" + name + "*", 100)).isEmpty();
    assertThat(inspector().listReadWriteLocks(name, 100))
        .singleElement()
        .satisfies(rw -> assertThat(rw.writerWaiting()).isPresent());
    reading.release();
    writer.join().release();
  }

  private static void runThreads(int threads, ThrowingIntConsumer body) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        done.add(
            pool.submit(
                () -> {
                  body.accept(thread);
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get(scaled(Duration.ofSeconds(120)).toMillis(), TimeUnit.MILLISECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @FunctionalInterface
  private interface ThrowingIntConsumer {
    void accept(int value) throws Exception;
  }
}
