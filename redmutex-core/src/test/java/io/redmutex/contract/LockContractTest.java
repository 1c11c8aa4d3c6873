package io.redmutex.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.redmutex.DistributedLock;
import io.redmutex.Internals;
import io.redmutex.Lease;
import io.redmutex.LockInfo;
import io.redmutex.LockInterruptedException;
import io.redmutex.LockListener;
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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The behaviour every topology must show, written once. A subclass supplies the Redis to run
 * against (standalone, Sentinel, Cluster) and an administrative connection to its master.
 */
@ExtendWith(PrintRedisLogsOnFailure.class)
public abstract class LockContractTest {

  /** The URI clients connect with. */
  protected abstract String uri();

  /**
   * Runs one command and returns the reply as text: on the master that holds {@code args[1]} when
   * the command takes a key, else on every master, replies joined by newlines.
   */
  protected abstract String admin(String... args);

  /** The master that holds {@code key}. */
  protected abstract RedisServer masterFor(String key);

  /** Whether the server is a Redis Cluster (one fence record per slot, not one in all). */
  protected boolean cluster() {
    return false;
  }

  /**
   * The fence record of lock key {@code key}, by the rule of docs/interop.md, computed here on its
   * own: {@code redmutex:fence}, or on a cluster {@code redmutex:fence:{N}} with N the smallest
   * non-negative integer whose text hashes to the key's slot.
   */
  protected String fenceRecordOf(String key) {
    if (!cluster()) {
      return "redmutex:fence";
    }
    int slot = io.lettuce.core.cluster.SlotHash.getSlot(key);
    for (int n = 0; ; n++) {
      if (io.lettuce.core.cluster.SlotHash.getSlot(Integer.toString(n)) == slot) {
        return "redmutex:fence:{" + n + "}";
      }
    }
  }

  private long serverMicros() {
    return Long.parseLong(
            admin("TIME").lines().findFirst().orElseThrow().replaceAll("\\[(\\d+),.*", "$1"))
        * 1_000_000L;
  }

  /** Whether releases are announced with sharded pub/sub (a Redis 7+ cluster). */
  protected boolean shardedPubSub() {
    return false;
  }

  /**
   * Whether a release hands the lock straight to a waiter of the same client. Redlock does not
   * (each acquisition takes a majority of its own), so the hand-off tests do not apply to it.
   */
  protected boolean handsOff() {
    return true;
  }

  /** Starts counting what lock {@code name} announces (see {@link ReleaseAnnouncements}). */
  protected ReleaseAnnouncements announcementsOf(String name) {
    ReleaseAnnouncements announcements =
        new ReleaseAnnouncements(masterFor(name), name, shardedPubSub());
    listeners.add(announcements);
    return announcements;
  }

  private final List<ReleaseAnnouncements> listeners = new ArrayList<>();

  /** {@code CLIENT LIST} of each master, one entry per master. */
  protected abstract List<String> clientLists();

  /**
   * The most connections one client may have open to one master: one for commands and one for
   * wake-ups. A cluster client has more (see its subclass).
   */
  protected int connectionsPerMaster() {
    return 2;
  }

  private RedMutex inspector;

  /** Whether some client waits for {@code lock}, by its wake-up subscription. */
  protected boolean someoneWaitsFor(String lock) {
    if (inspector == null) {
      inspector = client();
    }
    return inspector.inspect(lock).waitingClients() > 0;
  }

  private final List<RedMutex> clients = new ArrayList<>();
  private String name;

  /** The lock name of the running test. */
  protected String name() {
    return name;
  }

  @BeforeEach
  void nameLockAfterTest(TestInfo info) {
    name = "contract:" + info.getTestMethod().orElseThrow().getName() + ":" + System.nanoTime();
  }

  @AfterEach
  void closeClients() {
    clients.forEach(RedMutex::close);
    clients.clear();
    listeners.forEach(ReleaseAnnouncements::close);
    listeners.clear();
    inspector = null;
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

  protected static Duration scaled(Duration d) {
    return Timing.scaled(d);
  }

  /** A listener told only of losses: the lock's name and the lost lease's fencing token. */
  protected static LockListener onLost(BiConsumer<String, Long> lost) {
    return new LockListener() {
      @Override
      public void lost(String lockName, long fencingToken) {
        lost.accept(lockName, fencingToken);
      }
    };
  }

  /**
   * Deletes the lock's key behind its holder's back: one DEL here, on a Redlock more ({@link
   * RedlockLockContractTest#deleteKey}).
   */
  protected void deleteKey() {
    admin("DEL", name);
  }

  // ---- take and give back ----

  @Test
  void acquire_whenFree_returnsHeldLeaseWithKeyInRedis() {
    Lease lease = client().acquire(name, Duration.ofSeconds(1));

    assertThat(lease.name()).isEqualTo(name);
    assertThat(lease.isHeld()).isTrue();
    assertThat(lease.fencingToken()).isPositive();
    assertThat(admin("EXISTS", name)).isEqualTo("1");
    lease.release();
    assertThat(lease.isHeld()).isFalse();
    assertThat(admin("EXISTS", name)).isEqualTo("0");
  }

  @Test
  void acquire_writesOnlyKeysWithTtl() {
    RedMutex a = client();
    Lease lease = a.acquire(name, Duration.ofSeconds(1));
    CompletableFuture<Lease> waiter = client().acquireAsync(name, scaled(Duration.ofSeconds(10)));
    await().until(() -> someoneWaitsFor(name));

    String keys = admin("KEYS", "*" + name + "*"); // run on every master
    assertThat(keys).contains(name, "{" + name + "}:waiters").doesNotContain(":fence");
    for (String key : List.of(name, "{" + name + "}:waiters")) {
      assertThat(Long.parseLong(admin("PTTL", key))).as("PTTL of %s", key).isPositive();
    }
    // Wire protocol v2: the last token is in the record shared by the locks of the key's slot, a
    // bounded set of keys with no TTL (docs/interop.md).
    String record = fenceRecordOf(name);
    assertThat(admin("PTTL", record)).isEqualTo("-1");
    assertThat(Long.parseLong(admin("GET", record))).isGreaterThanOrEqualTo(lease.fencingToken());
    lease.release();
    waiter.join().release();
  }

  @Test
  void tryAcquire_whenHeld_isEmpty_andWhenReleased_succeeds() {
    RedMutex a = client();
    RedMutex b = client();
    Lease lease = a.acquire(name, Duration.ZERO);

    assertThat(b.tryAcquire(name)).isEmpty();
    lease.release();
    Optional<Lease> second = b.tryAcquire(name);
    assertThat(second).isPresent();
    second.get().close();
  }

  @Test
  void acquire_whenHeld_timesOut_notBeforeTheWait() {
    RedMutex a = client();
    RedMutex b = client();
    a.acquire(name, Duration.ZERO);
    Duration wait = Duration.ofMillis(400);

    long start = System.nanoTime();
    assertThatThrownBy(() -> b.acquire(name, wait))
        .isInstanceOf(LockTimeoutException.class)
        .hasMessageContaining(name)
        .hasMessageContaining("waiting");
    Duration waited = Duration.ofNanos(System.nanoTime() - start);

    assertThat(waited).isGreaterThanOrEqualTo(wait);
    // Not far over: bounded by the wait plus scheduling noise; generous for shared machines.
    assertThat(waited).isLessThan(wait.plus(scaled(Duration.ofSeconds(3))));
  }

  @Test
  void acquire_whenHolderReleases_waiterGetsIt() throws Exception {
    RedMutex a = client();
    RedMutex b = client();
    Lease first = a.acquire(name, Duration.ZERO);
    CompletableFuture<Lease> waiter = b.acquireAsync(name, scaled(Duration.ofSeconds(20)));
    await().until(() -> someoneWaitsFor(name));
    assertThat(waiter).isNotDone();

    first.release();

    Lease second = waiter.get(scaled(Duration.ofSeconds(20)).toMillis(), TimeUnit.MILLISECONDS);
    assertThat(second.isHeld()).isTrue();
    assertThat(second.fencingToken()).isGreaterThan(first.fencingToken());
    second.release();
  }

  @Test
  void release_isIdempotent() {
    Lease lease = client().acquire(name, Duration.ZERO);
    lease.release();
    lease.release();
    lease.close();
    assertThat(lease.isHeld()).isFalse();
  }

  // ---- expiry and loss ----

  @Test
  void expiry_letsAnotherIn_andOldHoldersReleaseDoesNotDeleteNewHoldersKey() {
    RedMutex a = client();
    RedMutex b = client();
    Lease old = a.acquire(name, Duration.ZERO);
    admin("PEXPIRE", name, "1"); // as if the holder had paused past its lease

    Lease current = b.acquire(name, scaled(Duration.ofSeconds(5)));

    assertThatThrownBy(old::release)
        .isInstanceOf(LockLostException.class)
        .hasMessageContaining(name);
    assertThat(admin("EXISTS", name)).isEqualTo("1");
    assertThat(current.isHeld()).isTrue();
    assertThat(a.tryAcquire(name)).isEmpty();
    current.release();
  }

  @Test
  void renewal_keepsShortLeaseAlive_forManyPeriods() {
    Renewals renewals = new Renewals();
    // Short, but not so short that a loaded machine's scheduling stall (a few hundred ms) is a
    // loss.
    RedMutex a = client(b -> b.leaseTime(Duration.ofMillis(1500)).listener(renewals));
    RedMutex other = client();
    Lease lease = a.acquire(name, Duration.ZERO);
    AtomicInteger losses = new AtomicInteger();
    lease.onLost(losses::incrementAndGet);

    // Ten renewals, over three lease times: without them the key would be long gone.
    await()
        .atMost(Duration.ofSeconds(5).plus(scaled(Duration.ofSeconds(10))))
        .until(() -> renewals.of(lease) >= 10);

    assertThat(losses).hasValue(0);
    assertThat(lease.isHeld()).isTrue();
    assertThat(other.tryAcquire(name)).isEmpty();
    assertThat(Long.parseLong(admin("PTTL", name))).isBetween(1L, 1500L);
    lease.release();
  }

  /** Counts the renewals of each lease of a client, by fencing token. */
  protected static final class Renewals implements LockListener {
    private final Map<Long, AtomicInteger> byToken = new ConcurrentHashMap<>();

    @Override
    public void renewed(String lockName, long fencingToken) {
      byToken.computeIfAbsent(fencingToken, t -> new AtomicInteger()).incrementAndGet();
    }

    int of(Lease lease) {
      AtomicInteger count = byToken.get(lease.fencingToken());
      return count == null ? 0 : count.get();
    }
  }

  /**
   * A client whose renewals' answers are recorded: a loss told after a renewal answered "not
   * extended" was found by the renewal, not by the lease's local expiry.
   */
  private RedMutex renewalsRecorded(Duration leaseTime, List<Boolean> answers, LockListener l) {
    AtomicReference<CountingDriver> driver = new AtomicReference<>();
    RedMutex client =
        Internals.tappedClient(
            RedMutex.builder().uri(uri()).leaseTime(leaseTime).listener(l), driver);
    clients.add(client);
    driver
        .get()
        .tap(
            "extend",
            reply ->
                reply.thenApply(
                    answer -> {
                      answers.add((Boolean) answer);
                      return answer;
                    }));
    return client;
  }

  @Test
  void loss_whenKeyDeleted_isReportedToCallbackListenerAndIsHeld() {
    AtomicReference<String> listened = new AtomicReference<>();
    List<Boolean> renewals = new CopyOnWriteArrayList<>();
    RedMutex a =
        renewalsRecorded(
            Duration.ofSeconds(3),
            renewals,
            onLost((lockName, fencingToken) -> listened.set(lockName)));
    Lease lease = a.acquire(name, Duration.ZERO);
    CountDownLatch lost = new CountDownLatch(1);
    lease.onLost(lost::countDown);

    deleteKey();

    await().atMost(scaled(Duration.ofSeconds(10))).until(() -> lost.getCount() == 0);
    assertThat(renewals).contains(false); // found by a renewal, not by the local expiry
    assertThat(lease.isHeld()).isFalse();
    await().until(() -> name.equals(listened.get()));
    assertThatThrownBy(lease::release).isInstanceOf(LockLostException.class);
    assertThatThrownBy(() -> lease.extend(Duration.ofSeconds(1)))
        .isInstanceOf(LockLostException.class);
  }

  @Test
  void loss_whenKeyOverwrittenByAnotherOwner_isDetected_andKeyIsLeftAlone() {
    List<Boolean> renewals = new CopyOnWriteArrayList<>();
    Lease lease =
        renewalsRecorded(Duration.ofSeconds(3), renewals, LockListener.none())
            .acquire(name, Duration.ZERO);
    admin("SET", name, "someone-else", "PX", "60000");

    await().atMost(scaled(Duration.ofSeconds(10))).until(() -> !lease.isHeld());
    assertThat(renewals).contains(false); // found by a renewal, not by the local expiry
    assertThatThrownBy(lease::release).isInstanceOf(LockLostException.class);
    assertThat(admin("GET", name)).isEqualTo("someone-else");
  }

  @Test
  void onLost_afterLoss_runsAtOnce() {
    CountDownLatch told = new CountDownLatch(1);
    Lease lease =
        client(
                b ->
                    b.leaseTime(Duration.ofMillis(300))
                        .listener(onLost((n, f) -> told.countDown())))
            .acquire(name, Duration.ZERO);
    // The loss itself, not isHeld: that turns false at the local expiry, maybe before the loss.
    deleteKey();
    await().atMost(scaled(Duration.ofSeconds(5))).until(() -> told.getCount() == 0);
    AtomicInteger calls = new AtomicInteger();

    lease.onLost(calls::incrementAndGet);

    assertThat(calls).hasValue(1);
  }

  @Test
  void release_stopsRenewal() {
    Renewals renewals = new Renewals();
    RedMutex a = client(b -> b.leaseTime(Duration.ofMillis(1500)).listener(renewals));
    Lease released = a.acquire(name, Duration.ZERO);
    Lease kept = a.acquire(name + ":kept", Duration.ZERO); // renewed by the same renewer
    await().until(() -> renewals.of(released) >= 1 && renewals.of(kept) >= 1);
    released.release();
    int afterRelease = renewals.of(released);
    int keptBefore = renewals.of(kept);

    // Six renewal periods of the other lease, the clock of this test: none of the released one
    // (Redisson #7272).
    await()
        .atMost(Duration.ofSeconds(3).plus(scaled(Duration.ofSeconds(5))))
        .until(() -> renewals.of(kept) >= keptBefore + 6);
    assertThat(renewals.of(released)).isEqualTo(afterRelease);
    kept.release();
  }

  @Test
  void extend_setsNewTtl_andRenewalUsesIt() {
    Renewals renewals = new Renewals();
    Lease lease =
        client(b -> b.leaseTime(Duration.ofMillis(500)).listener(renewals))
            .acquire(name, Duration.ZERO);

    lease.extend(Duration.ofSeconds(3));
    int before = renewals.of(lease);

    assertThat(Long.parseLong(admin("PTTL", name))).isGreaterThan(2_000L);
    // The next renewal comes a third of the new lease time later, and sets the new lease time.
    await().atMost(scaled(Duration.ofSeconds(6))).until(() -> renewals.of(lease) > before);
    assertThat(lease.isHeld()).isTrue();
    assertThat(Long.parseLong(admin("PTTL", name))).isGreaterThan(1_000L);
    lease.release();
  }

  // ---- fencing ----

  @Test
  void fencingTokens_increaseStrictly_acrossClients() {
    RedMutex a = client();
    RedMutex b = client();
    long last = 0;
    for (int i = 0; i < 30; i++) {
      try (Lease lease = (i % 2 == 0 ? a : b).acquire(name, scaled(Duration.ofSeconds(5)))) {
        assertThat(lease.fencingToken()).isGreaterThan(last);
        last = lease.fencingToken();
      }
    }
  }

  @Test
  void fencingToken_neverGoesBack_whenTheRecordIsAhead() {
    // A record ahead of the server clock (e.g. written by a master whose clock ran fast) wins.
    long ahead = serverMicros() + 3_600_000_000L;
    String record = fenceRecordOf(name);
    admin("SET", record, Long.toString(ahead));
    try (Lease lease = client().acquire(name, Duration.ZERO)) {
      assertThat(lease.fencingToken()).isEqualTo(ahead + 1);
    } finally {
      admin("DEL", record); // the other tests' tokens follow the clock again
    }
  }

  @Test
  void fencingToken_neverGoesBack_whenAV1CounterIsAhead() {
    // During a rolling upgrade, a v1 client's per-name fence hash ahead of the record wins too.
    long ahead = serverMicros() + 3_600_000_000L;
    admin("HSET", "{" + name + "}:fence", "fence", Long.toString(ahead));
    admin("PEXPIRE", "{" + name + "}:fence", "60000");

    try (Lease lease = client().acquire(name, Duration.ZERO)) {
      assertThat(lease.fencingToken()).isEqualTo(ahead + 1);
    } finally {
      // The take stored ahead + 1 in the shared record: without this, the later tests' tokens
      // would not be the clock's, and their holders would hand off through Redis, not locally.
      admin("DEL", fenceRecordOf(name));
    }
  }

  // ---- mutual exclusion ----

  @Test
  void mutualExclusion_eightThreadsOverTwoClients_exactCounter() throws Exception {
    RedMutex[] mutexes = {client(), client()};
    int threads = 8;
    int rounds = 25;
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger overlaps = new AtomicInteger();
    int[] counter = {0};
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        RedMutex mutex = mutexes[t % 2];
        done.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < rounds; i++) {
                    try (Lease lease = mutex.acquire(name, scaled(Duration.ofSeconds(60)))) {
                      if (inside.incrementAndGet() > 1 || !lease.isHeld()) {
                        overlaps.incrementAndGet();
                      }
                      int read = counter[0];
                      Thread.yield();
                      counter[0] = read + 1;
                      inside.decrementAndGet();
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get(scaled(Duration.ofSeconds(120)).toMillis(), TimeUnit.MILLISECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(overlaps).hasValue(0);
    synchronized (counter) {
      assertThat(counter[0]).isEqualTo(threads * rounds);
    }
  }

  // ---- hand-off to waiters of the same client ----

  @Test
  void release_withAWaiterInTheSameClient_handsTheLockOverWithoutARoundTrip() throws Exception {
    assumeTrue(handsOff(), "this topology has no hand-offs");
    CountingDriver.Calls calls = new CountingDriver.Calls();
    RedMutex a = client(b -> Internals.countScripts(b, calls));
    Lease first = a.acquire(name, Duration.ZERO);
    String owner = admin("GET", name);
    CompletableFuture<Lease> waiter = a.acquireAsync(name, scaled(Duration.ofSeconds(20)));
    // The waiter takes once, subscribes, takes again, then parks: it is quiet from then on.
    await().until(() -> Internals.parkedWaiters(a, name) == 1);
    long takes = calls.of("take");
    ReleaseAnnouncements announced = announcementsOf(name);

    first.release();
    Lease second = waiter.get(scaled(Duration.ofSeconds(20)).toMillis(), TimeUnit.MILLISECONDS);

    // A local hand-off: nothing sent, the key keeps this client's token, the next fencing token.
    assertThat(calls.of("handOff") + calls.of("release")).isZero();
    assertThat(calls.of("take")).isEqualTo(takes); // the waiter sent nothing
    assertThat(announced.count()).isZero();
    assertThat(second.fencingToken()).isEqualTo(first.fencingToken() + 1);
    assertThat(second.isHeld()).isTrue();
    assertThat(admin("GET", name)).isEqualTo(owner);
    LockInfo info = client().inspect(name);
    assertThat(info.held()).isTrue();
    assertThat(info.holder()).hasValueSatisfying(h -> assertThat(h).contains(pid()));
    // The release stores the last token issued here: the next take's is larger.
    second.release();
    assertThat(calls.of("release")).isEqualTo(1);
    assertThat(admin("EXISTS", name)).isEqualTo("0");
    assertThat(Long.parseLong(admin("GET", fenceRecordOf(name))))
        .isGreaterThanOrEqualTo(second.fencingToken());
    assertThat(client().inspect(name).fencingToken()).isZero(); // nothing kept per name
    assertThat(client().acquire(name, Duration.ZERO).fencingToken())
        .isGreaterThan(second.fencingToken());
  }

  private static String pid() {
    return Long.toString(ProcessHandle.current().pid());
  }

  @Test
  void runOfLocalHandOffs_fencingTokensIncrease_andALossGoesToTheCurrentHolder() throws Exception {
    assumeTrue(handsOff(), "this topology has no hand-offs");
    List<Long> lostTokens = new CopyOnWriteArrayList<>();
    RedMutex a =
        client(
            b ->
                b.leaseTime(Duration.ofMillis(600))
                    .listener(onLost((lockName, fencingToken) -> lostTokens.add(fencingToken))));
    Lease current = a.acquire(name, Duration.ZERO);
    List<CompletableFuture<Lease>> waiters = parkedWaiters(a, 5);
    List<Long> tokens = new ArrayList<>(List.of(current.fencingToken()));
    List<Lease> earlier = new ArrayList<>();
    for (int handOff = 1; handOff <= 5; handOff++) {
      earlier.add(current);
      current.release();
      current = nextHolder(waiters);
      tokens.add(current.fencingToken());
    }
    assertThat(tokens).isSorted().doesNotHaveDuplicates();
    CountDownLatch lost = new CountDownLatch(1);
    current.onLost(lost::countDown);

    admin("DEL", name); // the key goes behind the holder's back; its renewal finds out

    assertThat(lost.await(scaled(Duration.ofSeconds(10)).toMillis(), TimeUnit.MILLISECONDS))
        .isTrue();
    assertThat(current.isHeld()).isFalse();
    await().until(() -> !lostTokens.isEmpty());
    assertThat(lostTokens).containsExactly(current.fencingToken());
    assertThat(earlier).noneMatch(Lease::isHeld);
  }

  @Test
  void close_inTheMiddleOfARunOfLocalHandOffs_releasesTheKeyOnce() throws Exception {
    assumeTrue(handsOff(), "this topology has no hand-offs");
    CountingDriver.Calls calls = new CountingDriver.Calls();
    RedMutex a = client(b -> Internals.countScripts(b, calls));
    Lease current = a.acquire(name, Duration.ZERO);
    List<CompletableFuture<Lease>> waiters = parkedWaiters(a, 3);
    current.release();
    current = nextHolder(waiters);

    a.close();

    assertThat(calls.of("release")).isEqualTo(1);
    assertThat(admin("EXISTS", name)).isEqualTo("0");
    assertThat(current.isHeld()).isFalse();
    await().until(() -> waiters.stream().allMatch(CompletableFuture::isCompletedExceptionally));
  }

  @Test
  void handOffs_withNoOtherClientWaiting_goOnWithoutReleases() throws Exception {
    assumeTrue(handsOff(), "this topology has no hand-offs");
    RedMutex a = client();
    Lease current = a.acquire(name, Duration.ZERO);
    List<CompletableFuture<Lease>> waiters = parkedWaiters(a, 12);
    ReleaseAnnouncements announced = announcementsOf(name);

    for (int handOff = 1; handOff <= 11; handOff++) {
      current.release();
      current = nextHolder(waiters);
    }

    assertThat(announced.count()).isZero();
    current.release();
    nextHolder(waiters).release();
  }

  @Test
  void handOffs_areBoundedInARow_whenAnotherClientWaits_soItGetsTheLock() throws Exception {
    assumeTrue(handsOff(), "this topology has no hand-offs");
    RedMutex a = client();
    RedMutex b = client();
    Lease current = a.acquire(name, Duration.ZERO);
    List<CompletableFuture<Lease>> waiters = parkedWaiters(a, 12);
    CompletableFuture<Lease> otherClient = b.acquireAsync(name, scaled(Duration.ofSeconds(60)));
    await().until(() -> client().inspect(name).waitingClients() == 2);
    ReleaseAnnouncements announced = announcementsOf(name);

    // Eight local hand-offs, then a scripted one that finds out that another client waits.
    for (int handOff = 1; handOff <= 9; handOff++) {
      current.release();
      current = nextHolder(waiters);
      assertThat(announced.count()).as("hand-off %d", handOff).isZero();
    }
    current.release(); // the tenth release in a row really releases, and announces it

    assertThat(announced.count()).isEqualTo(1);
    // Whoever took it then, the other client's waiter is not starved.
    while (!otherClient.isDone()) {
      await()
          .until(
              () -> otherClient.isDone() || waiters.stream().anyMatch(CompletableFuture::isDone));
      if (!otherClient.isDone()) {
        nextHolder(waiters).release();
      }
    }
    otherClient.join().release();
  }

  /** Starts {@code count} acquires in {@code client} and waits until they are all parked. */
  private List<CompletableFuture<Lease>> parkedWaiters(RedMutex client, int count) {
    List<CompletableFuture<Lease>> waiters = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      waiters.add(client.acquireAsync(name, scaled(Duration.ofSeconds(60))));
    }
    await().until(() -> Internals.parkedWaiters(client, name) == count);
    return waiters;
  }

  /** Waits for the one waiter that got the lock, and removes it from the list. */
  private static Lease nextHolder(List<CompletableFuture<Lease>> waiters) {
    await().until(() -> waiters.stream().anyMatch(CompletableFuture::isDone));
    CompletableFuture<Lease> done =
        waiters.stream().filter(CompletableFuture::isDone).findFirst().orElseThrow();
    waiters.remove(done);
    assertThat(waiters.stream().filter(CompletableFuture::isDone)).isEmpty();
    return done.join();
  }

  // ---- the Lock view ----

  @Test
  void lockView_isReentrant_withoutRoundTrips() {
    CountingDriver.Calls calls = new CountingDriver.Calls();
    RedMutex a = client(b -> Internals.countScripts(b, calls));
    DistributedLock lock = a.lock(name);
    lock.lock();
    long evalsBefore = calls.total();

    lock.lock();
    assertThat(a.lock(name).tryLock()).isTrue(); // another view, same thread: same hold

    assertThat(calls.total()).isEqualTo(evalsBefore);
    assertThat(lock.getHoldCount()).isEqualTo(3);
    lock.unlock();
    lock.unlock();
    assertThat(admin("EXISTS", name)).isEqualTo("1");
    lock.unlock();
    assertThat(admin("EXISTS", name)).isEqualTo("0");
    assertThat(lock.isHeldByCurrentThread()).isFalse();
  }

  @Test
  void lockView_unlockByNonOwner_throwsIllegalMonitorState() throws Exception {
    DistributedLock lock = client().lock(name);
    assertThatThrownBy(lock::unlock).isInstanceOf(IllegalMonitorStateException.class);
    lock.lock();
    try {
      CompletableFuture<Throwable> other =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  lock.unlock();
                  return null;
                } catch (Throwable t) {
                  return t;
                }
              });
      assertThat(other.get()).isInstanceOf(IllegalMonitorStateException.class);
      assertThat(CompletableFuture.supplyAsync(lock::tryLock).get()).isFalse();
    } finally {
      lock.unlock();
    }
  }

  @Test
  void lockView_afterLoss_ownerSeesLockLostException() {
    CountDownLatch lost = new CountDownLatch(1);
    DistributedLock lock =
        client(
                b ->
                    b.leaseTime(Duration.ofMillis(300))
                        .listener(onLost((n, f) -> lost.countDown())))
            .lock(name);
    lock.lock();
    long token = lock.fencingToken();
    deleteKey();
    // Waits for the loss itself: isHeld can turn false for a moment on a loaded machine (a late
    // renewal answer), and true again when the answer confirms the key.
    await().atMost(scaled(Duration.ofSeconds(5))).until(() -> lost.getCount() == 0);
    assertThat(lock.isHeldByCurrentThread()).isFalse();

    assertThatThrownBy(lock::lock)
        .isInstanceOf(LockLostException.class)
        .hasMessageContaining(Long.toString(token));
    assertThatThrownBy(lock::unlock).isInstanceOf(LockLostException.class);
    assertThat(lock.getHoldCount()).isZero();
    assertThat(lock.tryLock()).isTrue();
    lock.unlock();
  }

  @Test
  void lockView_tryLockWithTimeout_whenHeldElsewhere_returnsFalseAfterWaiting() throws Exception {
    client().acquire(name, Duration.ZERO);
    DistributedLock lock = client().lock(name);

    long start = System.nanoTime();
    assertThat(lock.tryLock(200, TimeUnit.MILLISECONDS)).isFalse();
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isGreaterThanOrEqualTo(Duration.ofMillis(200));
    assertThatThrownBy(lock::newCondition).isInstanceOf(UnsupportedOperationException.class);
  }

  // ---- interrupts and async ----

  @Test
  void interrupt_duringWait_stopsWaiting_andLeavesNoLockBehind() throws Exception {
    RedMutex holder = client();
    RedMutex waiterClient = client();
    Lease held = holder.acquire(name, Duration.ZERO);
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    AtomicReference<Boolean> flagKept = new AtomicReference<>();
    Thread waiter =
        new Thread(
            () -> {
              try {
                waiterClient.acquire(name, scaled(Duration.ofSeconds(30)));
              } catch (Throwable t) {
                thrown.set(t);
                flagKept.set(Thread.currentThread().isInterrupted());
              }
            });
    waiter.start();
    await().until(() -> someoneWaitsFor(name));

    waiter.interrupt();
    waiter.join(scaled(Duration.ofSeconds(10)).toMillis());

    assertThat(waiter.isAlive()).isFalse();
    assertThat(thrown.get()).isInstanceOf(LockInterruptedException.class);
    assertThat(flagKept.get()).isTrue();
    held.release();
    Lease third = client().acquire(name, Duration.ZERO); // nobody else holds it
    third.release();
  }

  @Test
  void acquireAsync_completesWithLease_offTheIoThreads() throws Exception {
    AtomicReference<String> thread = new AtomicReference<>();
    Lease lease =
        client()
            .acquireAsync(name, Duration.ofSeconds(1))
            .whenComplete((l, e) -> thread.set(Thread.currentThread().getName()))
            .get(scaled(Duration.ofSeconds(10)).toMillis(), TimeUnit.MILLISECONDS);
    assertThat(lease.isHeld()).isTrue();
    assertThat(thread.get()).doesNotContain("lettuce");
    lease.release();
  }

  /**
   * A take on its way when the acquire ends is released then; if it reaches Redis only after that
   * release (a thread stalled before sending, a command re-sent) and its answer is lost, the lock
   * it took is released once that answer fails, not held by nobody for a lease time.
   */
  @Test
  void takeThatLandsAfterItsRelease_andIsNotAnswered_isReleasedAgain() {
    AtomicReference<CountingDriver> driver = new AtomicReference<>();
    RedMutex taker = client(o -> Internals.tapScripts(o, driver));
    // Once taken and released, so that Redis knows the scripts: no NOSCRIPT resend reorders.
    taker.acquire(name, Duration.ZERO).release();
    AtomicInteger takesAnswered = new AtomicInteger();
    driver.get().holdSendsUntil("take", 0, "release");
    driver.get().countAnswers("take", takesAnswered, true);

    CompletableFuture<Lease> taking = taker.acquireAsync(name, Duration.ofMinutes(1));
    await().until(() -> driver.get().calls().of("take") == 2); // held back
    taking.cancel(true);
    await().until(() -> takesAnswered.get() == 1); // it took the lock, after the release

    await().until(() -> !client().inspect(name).held());
  }

  /**
   * Issue 19: a take sent before its acquire gave up, answered busy after the give-up took the
   * client out of the lock's waiters, entered it again; a client that no longer waits must not make
   * holders yield to it, so it is taken out again.
   */
  @Test
  void takeAnsweredBusyAfterItsGiveUp_leavesItsClientOutOfTheWaiters() {
    Lease held = client().acquire(name, Duration.ZERO);
    RedMutex inspector = client();
    AtomicReference<CountingDriver> driver = new AtomicReference<>();
    RedMutex waiter = client(o -> Internals.tapScripts(o, driver));
    // Once waited for and given up, so that Redis knows the scripts (no NOSCRIPT resend reorders)
    // and the client is out of the waiters again.
    CompletableFuture<Lease> first = waiter.acquireAsync(name, Duration.ofMinutes(1));
    await().until(() -> Internals.parkedWaiters(waiter, name) == 1);
    first.cancel(true);
    await().until(() -> inspector.inspect(name).waitingClients() == 0);
    long takesBefore = driver.get().calls().of("take");
    AtomicInteger takesAnswered = new AtomicInteger();
    driver.get().holdSendsUntil("take", 1, "unwait"); // the second take stalls until the unwait
    driver.get().countAnswers("take", takesAnswered, false);

    CompletableFuture<Lease> second = waiter.acquireAsync(name, Duration.ofMinutes(1));
    await().until(() -> driver.get().calls().of("take") == takesBefore + 2);
    second.cancel(true);
    await().until(() -> takesAnswered.get() == 2); // busy, behind the give-up's unwait

    await().until(() -> inspector.inspect(name).waitingClients() == 0);
    assertThat(held.isHeld()).isTrue();
  }

  /**
   * Lease.releaseAfter: the key stays this lease's until the delay, unrenewed; neither a release
   * nor the client's close gives it back sooner; once it expires, a waiter takes it.
   */
  @Test
  void releaseAfter_keepsTheKeyUntilTheDelay_throughReleaseAndClose() {
    RedMutex holder = client();
    Lease lease = holder.acquire(name, Duration.ZERO);

    lease.releaseAfter(Duration.ofSeconds(20));

    assertThat(lease.isHeld()).isFalse();
    assertThat(Long.parseLong(admin("PTTL", name))).isBetween(1L, 20_000L); // not the 30 s lease
    lease.release(); // does nothing now
    holder.close(); // nor does close
    RedMutex other = client();
    assertThat(other.inspect(name).held()).isTrue();
    assertThat(other.tryAcquire(name)).isEmpty();
    admin("PEXPIRE", name, "200"); // as if the 20 s had passed
    Lease next = other.acquire(name, scaled(Duration.ofSeconds(30)));
    assertThat(next.fencingToken()).isGreaterThan(lease.fencingToken());
    assertThatThrownBy(() -> next.releaseAfter(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("delay");
  }

  @Test
  void acquireAsync_cancelledWhileWaiting_leavesNothingHeld() {
    RedMutex holder = client();
    RedMutex waiterClient = client();
    Lease held = holder.acquire(name, Duration.ZERO);
    CompletableFuture<Lease> waiting =
        waiterClient.acquireAsync(name, scaled(Duration.ofSeconds(30)));
    await().until(() -> someoneWaitsFor(name));

    waiting.cancel(true);
    held.release();

    await().atMost(scaled(Duration.ofSeconds(5))).until(() -> !someoneWaitsFor(name));
    assertThat(admin("EXISTS", name)).isEqualTo("0");
  }

  @Test
  void listener_seesAcquireReleaseAndTimeout() {
    List<String> events = new CopyOnWriteArrayList<>();
    RedMutex a =
        client(
            b ->
                b.listener(
                    new LockListener() {
                      @Override
                      public void acquired(String n, long fence, Duration waited) {
                        events.add("acquired");
                      }

                      @Override
                      public void acquireFailed(
                          String n, Duration waited, io.redmutex.LockException e) {
                        events.add("failed:" + e.getClass().getSimpleName());
                      }

                      @Override
                      public void released(String n, long fence, Duration held) {
                        events.add("released");
                      }
                    }));
    Lease lease = a.acquire(name, Duration.ZERO);
    assertThat(a.tryAcquire(name)).isEmpty();
    lease.release();
    // Told on the client's callback thread, in order.
    await().until(() -> events.size() == 3);
    assertThat(events).containsExactly("acquired", "failed:LockTimeoutException", "released");
  }

  // ---- inspection ----

  @Test
  void inspect_showsHolderTtlFenceAndWaiters() {
    RedMutex a = client(b -> b.clientName("inspected-holder"));
    RedMutex b = client();
    assertThat(b.inspect(name).held()).isFalse();
    Lease lease = a.acquire(name, Duration.ZERO);
    CompletableFuture<Lease> waiter = b.acquireAsync(name, scaled(Duration.ofSeconds(20)));
    await().until(() -> b.inspect(name).waitingClients() == 1);

    LockInfo info = b.inspect(name);

    assertThat(info.held()).isTrue();
    assertThat(info.key()).isEqualTo(name);
    assertThat(info.fencingToken()).isEqualTo(lease.fencingToken());
    assertThat(info.holder())
        .get(InstanceOfAssertFactories.STRING)
        .startsWith("inspected-holder on ");
    assertThat(info.remaining()).get().matches(d -> d.compareTo(Duration.ofSeconds(30)) <= 0);
    assertThat(info.since()).isPresent();
    lease.release();
    waiter.join().release();
  }

  @Test
  void list_findsLocksByPattern_andForceReleaseBreaksOne() {
    RedMutex a = client(b -> b.leaseTime(Duration.ofMillis(600)));
    Lease one = a.acquire(name + ":1", Duration.ZERO);
    a.acquire(name + ":2", Duration.ZERO);

    assertThat(client().list(name + ":*", 100))
        .extracting(LockInfo::name)
        .containsExactlyInAnyOrder(name + ":1", name + ":2");
    Optional<LockInfo> broken = client().forceRelease(name + ":1");

    assertThat(broken).get().extracting(LockInfo::fencingToken).isEqualTo(one.fencingToken());
    assertThat(client().forceRelease(name + ":1")).isEmpty();
    await().atMost(scaled(Duration.ofSeconds(15))).until(() -> !one.isHeld());
  }

  /**
   * Issue 11: the limit counts locks only. It used to count every key SCAN returned and keep the
   * strings among them afterwards, so keys of other types (a fence hash per lock name) used it up
   * and list returned fewer locks than exist and than the limit, as if no more matched.
   */
  @Test
  void list_limitCountsLocksOnly_notKeysOfOtherTypes() {
    String tag = "{" + name + "}";
    masterFor(tag)
        .command(
            "EVAL",
            "for i = 1, tonumber(ARGV[1]) do"
                + " redis.call('HSET', KEYS[1] .. i, 'f', '1')"
                + " redis.call('PEXPIRE', KEYS[1] .. i, 120000) end",
            "1",
            tag + ":hash:",
            "5000");
    for (int i = 0; i < 3; i++) {
      client().acquire(tag + ":lock:" + i, Duration.ZERO);
    }

    assertThat(client().list(tag + ":*", 3))
        .extracting(LockInfo::name)
        .containsExactlyInAnyOrder(tag + ":lock:0", tag + ":lock:1", tag + ":lock:2");
    assertThat(client().list(tag + ":*", 2)).hasSize(2);
  }

  /** Issue 11: a lock (its key, its fence hash) is neither a semaphore nor a read-write lock. */
  @Test
  void listSemaphoresAndReadWriteLocks_doNotReportLocks() {
    Lease held = client().acquire(name + ":1", Duration.ZERO);

    assertThat(client().list(name + ":*", 100))
        .extracting(LockInfo::name)
        .containsExactly(name + ":1");
    assertThat(client().listSemaphores(name + ":*", 100)).isEmpty();
    assertThat(client().listReadWriteLocks("*", 100))
        .extracting(PermitsInfo::name)
        .doesNotContain(name + ":1");
    held.release();
  }

  // ---- resources ----

  @Test
  void connections_atMostTwoPerClient_whateverTheLocksAndWaiters() throws Exception {
    String holderName = "holder-" + System.nanoTime();
    String waiterName = "waiter-" + System.nanoTime();
    RedMutex holder = client(b -> b.clientName(holderName));
    RedMutex waiters = client(b -> b.clientName(waiterName));
    List<Lease> held = new ArrayList<>();
    List<CompletableFuture<Void>> waiting = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      held.add(holder.acquire(name + ":" + i, Duration.ZERO));
      for (int w = 0; w < 3; w++) {
        waiting.add(
            waiters
                .acquireAsync(name + ":" + i, scaled(Duration.ofSeconds(30)))
                .thenAccept(Lease::release));
      }
    }
    await().until(() -> someoneWaitsFor(name + ":19"));
    List<String> whileWaiting = clientLists();
    held.forEach(Lease::release);
    CompletableFuture.allOf(waiting.toArray(CompletableFuture[]::new))
        .get(scaled(Duration.ofSeconds(30)).toMillis(), TimeUnit.MILLISECONDS);

    // On each master: one command connection, plus one for wake-ups once contended.
    int most = connectionsPerMaster();
    for (String node : whileWaiting) {
      assertThat(connectionsNamed(node, holderName)).isLessThanOrEqualTo(most - 1); // uncontended
      assertThat(connectionsNamed(node, waiterName)).isLessThanOrEqualTo(most);
    }
    assertThat(whileWaiting.stream().mapToLong(n -> connectionsNamed(n, waiterName)).sum())
        .isGreaterThanOrEqualTo(2);
    for (String node : clientLists()) {
      assertThat(connectionsNamed(node, waiterName)).isLessThanOrEqualTo(most);
    }
  }

  private static long connectionsNamed(String clientList, String clientName) {
    return clientList.lines().filter(l -> l.contains(" name=" + clientName + " ")).count();
  }
}
