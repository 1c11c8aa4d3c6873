package io.redmutex.internal;

import io.lettuce.core.RedisURI;
import io.lettuce.core.resource.ClientResources;
import io.redmutex.internal.RedlockRound.Answer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link LockDriver} over N independent Redis masters ({@code redlock://h1,h2,h3}): the Redlock
 * algorithm on top of the single-master driver, plus fencing tokens that still increase.
 *
 * <ul>
 *   <li><b>Take</b>: the wire protocol's take on every master at once; a lease only when a majority
 *       took it within its validity: lease time − elapsed − drift, elapsed measured with the
 *       monotonic clock from the send, drift = 1% of the lease time + 2 ms (the Redlock paper's
 *       clock drift allowance). A majority missed (busy, split vote, masters down) or reached too
 *       late: given back on every master. After a split vote (this client took some masters,
 *       another client others), the busy answer is delayed by a random time, so that contenders do
 *       not collide again and again.
 *   <li><b>Fencing</b>: each master's take issues its own token, {@code max(stored + 1, TIME µs)};
 *       the lease's token is the largest of the majority's, written back ({@code raisefence.lua}:
 *       {@code stored = max(stored, token)}) to a majority before the lease is handed to the
 *       caller. Any later majority shares a master with that one, whose next token is larger; a
 *       master restarted empty issues tokens from its clock, which is past the token when clocks
 *       agree to within the restart delay.
 *   <li><b>Extend</b> (renewal): held when a majority still held the key and extended it; masters
 *       that lost the key (a restart without persistence) are taken again with the same token.
 *   <li><b>Release</b>: compare-and-delete on every master; released when a majority deleted it.
 *   <li>No hand-offs: each acquisition takes a majority of its own.
 * </ul>
 *
 * Each round ends as soon as its outcome is decided ({@link RedlockRound}), so a partitioned
 * minority costs no waiting. Wake-ups: every master's pub/sub is subscribed; a release announces on
 * each master it deleted the key from, so a waiter may be woken more than once per release (a spare
 * take, answered busy).
 */
final class RedlockDriver implements LockDriver {
  private static final Logger log = LoggerFactory.getLogger(RedlockDriver.class);

  /** Redlock's clock drift allowance: this fraction of the lease time, plus {@link #DRIFT_MS}. */
  static final double CLOCK_DRIFT_FACTOR = 0.01;

  static final long DRIFT_MS = 2;

  /** Longest random delay after a split vote. */
  static final long MAX_RETRY_DELAY_MS = 100;

  private final List<ScriptedDriver> nodes;
  private final int quorum;
  private final NanoClock clock;
  private final RedlockOrder order = new RedlockOrder();
  private final RedlockLeases held;
  private volatile Taker taker; // this client, as its takes describe it; for re-takes

  RedlockDriver(List<ScriptedDriver> nodes, NanoClock clock) {
    if (nodes.size() < 3) {
      throw new IllegalArgumentException("Redlock needs at least 3 masters, was " + nodes.size());
    }
    this.nodes = List.copyOf(nodes);
    this.quorum = nodes.size() / 2 + 1;
    this.held = new RedlockLeases(clock);
    this.clock = clock;
  }

  /**
   * Connects to every master; all must answer (a master down at start is a configuration to fix,
   * not a fault to ride out).
   *
   * @throws io.redmutex.RedisUnavailableException naming the first master that cannot be reached
   */
  static RedlockDriver connect(
      List<RedisURI> masters, Duration commandTimeout, ClientResources own, NanoClock clock) {
    List<ScriptedDriver> connected = new ArrayList<>();
    try {
      for (RedisURI master : masters) {
        connected.add(new LettuceDriver(master, commandTimeout, own));
      }
    } catch (RuntimeException e) {
      connected.forEach(LockDriver::close);
      throw e;
    }
    return new RedlockDriver(connected, clock);
  }

  /** How many masters make a majority. */
  int quorum() {
    return quorum;
  }

  static long driftMillis(long leaseMillis) {
    return (long) (leaseMillis * CLOCK_DRIFT_FACTOR) + DRIFT_MS;
  }

  /** What is left of a lease taken with a send at {@code sentAt}: Redlock's validity, in ms. */
  private long validityMillis(long sentAt, long leaseMillis) {
    long elapsed = TimeUnit.NANOSECONDS.toMillis(clock.nanoTime() - sentAt);
    return leaseMillis - elapsed - driftMillis(leaseMillis);
  }

  // ---- take ----

  @Override
  public CompletableFuture<TakeResult> take(
      LockKeys keys, String token, long leaseMillis, Taker taker) {
    this.taker = taker;
    // One take of a lock at a time from this client: concurrent takes by its own threads would
    // split the masters between them (each a minority), and all would have to give back and wait.
    // Queued behind the one in flight, the next take finds the lock held, or free again.
    return order.run(-1, keys.key(), () -> takeNow(keys, token, leaseMillis, taker));
  }

  private CompletableFuture<TakeResult> takeNow(
      LockKeys keys, String token, long leaseMillis, Taker taker) {
    long sentAt = clock.nanoTime();
    RedlockRound<TakeResult> round =
        RedlockRound.send(
            nodes.size(),
            i -> order.run(i, token, () -> nodes.get(i).take(keys, token, leaseMillis, taker)),
            answers ->
                won(answers).size() >= quorum
                    || nodes.size() - RedlockRound.count(answers, a -> !took(a)) < quorum);
    return round
        .outcome()
        .thenCompose(
            answers -> {
              List<Answer<TakeResult>> won = won(answers);
              if (won.size() < quorum) {
                return missed(keys, token, answers);
              }
              long fence =
                  won.stream().mapToLong(a -> a.value().fencingToken()).max().orElseThrow();
              if (validityMillis(sentAt, leaseMillis) <= 0) {
                return giveBackAndFail(keys, token, expired(keys, sentAt, leaseMillis, "take"));
              }
              raiseLate(keys, token, fence, round, answers);
              return raiseFence(keys, token, fence, won)
                  .thenCompose(
                      raised -> {
                        if (raised < quorum) {
                          return giveBackAndFail(
                              keys,
                              token,
                              RedlockException.noQuorum(
                                  "lock '"
                                      + keys.name()
                                      + "' was taken on a majority but its fencing token reached"
                                      + " only "
                                      + raised
                                      + " of "
                                      + nodes.size()
                                      + " masters; it was given back"));
                        }
                        if (validityMillis(sentAt, leaseMillis) <= 0) {
                          return giveBackAndFail(
                              keys, token, expired(keys, sentAt, leaseMillis, "take and fence"));
                        }
                        held.taken(token, sentAt, leaseMillis);
                        // Not "clock-fenced": the token is the largest of several masters' and
                        // the local hand-off's argument (HeldKey) is about one server's clock, so
                        // a Redlock lease is never handed on locally.
                        return CompletableFuture.completedFuture(TakeResult.acquired(fence, false));
                      });
            });
  }

  private static boolean took(Answer<TakeResult> a) {
    return a.ok() && a.value().acquired();
  }

  private static List<Answer<TakeResult>> won(List<Answer<TakeResult>> answers) {
    return answers.stream().filter(RedlockDriver::took).toList();
  }

  /**
   * Writes the lease's fencing token back to the masters that took the lock; how many stored it (a
   * round ends as soon as a majority did, or can no longer).
   */
  private CompletableFuture<Long> raiseFence(
      LockKeys keys, String token, long fence, List<Answer<TakeResult>> won) {
    RedlockRound<Long> round =
        RedlockRound.send(
            won.size(),
            i -> {
              int node = won.get(i).node();
              return order.run(
                  node, token, () -> nodes.get(node).scripts().raiseFence(keys, token, fence));
            },
            answers ->
                RedlockRound.count(answers, Answer::ok) >= quorum
                    || won.size() - RedlockRound.count(answers, a -> !a.ok()) < quorum);
    return round.outcome().thenApply(answers -> RedlockRound.count(answers, Answer::ok));
  }

  /**
   * Writes the fencing token back to masters whose take answered after the majority decided, too:
   * the more masters store it, the more restarts it survives without resting on clocks.
   */
  private void raiseLate(
      LockKeys keys,
      String token,
      long fence,
      RedlockRound<TakeResult> round,
      List<Answer<TakeResult>> decided) {
    if (decided.size() == nodes.size()) {
      return;
    }
    round
        .all()
        .thenAccept(
            all ->
                all.stream()
                    .filter(RedlockDriver::took)
                    .filter(a -> decided.stream().noneMatch(d -> d.node() == a.node()))
                    .forEach(
                        a ->
                            order.run(
                                a.node(),
                                token,
                                () ->
                                    nodes.get(a.node()).scripts().raiseFence(keys, token, fence))));
  }

  /**
   * No majority: gives back what was taken (on every master, so that a take still on its way is
   * undone too: one connection runs our commands in order), then reports busy or no quorum.
   */
  private CompletableFuture<TakeResult> missed(
      LockKeys keys, String token, List<Answer<TakeResult>> answers) {
    long won = won(answers).size();
    if (won > 0 || answers.size() < nodes.size()) {
      giveBack(keys, token);
    }
    long failed = RedlockRound.count(answers, a -> !a.ok());
    if (nodes.size() - failed < quorum) {
      return CompletableFuture.failedFuture(
          RedlockException.noQuorum(
              "lock '"
                  + keys.name()
                  + "': "
                  + failed
                  + " of "
                  + nodes.size()
                  + " masters failed, a majority is "
                  + quorum
                  + " ("
                  + failures(answers)
                  + "); nothing is held"));
    }
    // Busy: report the holder whose key frees first (a timed retry then finds out).
    TakeResult busy =
        answers.stream()
            .filter(a -> a.ok() && !a.value().acquired())
            .map(Answer::value)
            .min(Comparator.comparingLong(b -> LockTakes.fallbackDelayNanos(b, Long.MAX_VALUE)))
            .orElse(TakeResult.busy(-2, false));
    long held = RedlockRound.count(answers, a -> a.ok() && !a.value().acquired());
    if (won == 0 || held >= quorum) {
      // Nothing taken, or a majority held by others (likely one holder): wait for its release.
      return CompletableFuture.completedFuture(busy);
    }
    // A split vote: this client and others each took a minority, so maybe nobody holds a
    // majority. Retrying at once would collide again; a random delay lets one of them go first.
    long delay = ThreadLocalRandom.current().nextLong(MAX_RETRY_DELAY_MS + 1);
    return CompletableFuture.supplyAsync(
        () -> busy, CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS));
  }

  private <T> CompletableFuture<T> giveBackAndFail(
      LockKeys keys, String token, RedlockException failure) {
    giveBack(keys, token);
    return CompletableFuture.failedFuture(failure);
  }

  /** Compare-and-delete on every master, without waiting; failures only logged. */
  private void giveBack(LockKeys keys, String token) {
    for (int i = 0; i < nodes.size(); i++) {
      ScriptedDriver node = nodes.get(i);
      order
          .run(i, token, () -> node.release(keys, token, 0))
          .whenComplete(
              (deleted, error) -> {
                if (error != null) {
                  log.debug(
                      "redmutex: could not give lock '{}' back on Redlock master {}; its key"
                          + " expires within the lease time: {}",
                      keys.name(),
                      node.describe(),
                      Failures.rootMessage(error));
                }
              });
    }
  }

  private RedlockException expired(LockKeys keys, long sentAt, long leaseMillis, String what) {
    return RedlockException.expired(
        "lock '"
            + keys.name()
            + "' was taken on a majority of masters, but its "
            + what
            + " took "
            + Durations.format(Duration.ofNanos(clock.nanoTime() - sentAt))
            + " of a "
            + leaseMillis
            + " ms lease ("
            + driftMillis(leaseMillis)
            + " ms of which are the clock drift allowance); it was given back");
  }

  private String failures(List<? extends Answer<?>> answers) {
    return answers.stream()
        .filter(a -> !a.ok())
        .map(a -> nodes.get(a.node()).describe() + ": " + Failures.rootMessage(a.error()))
        .collect(Collectors.joining(", "));
  }

  @Override
  public CompletableFuture<TakeResult> handOff(
      LockKeys keys, String from, long lastFencingToken, String to, long leaseMillis, Taker taker) {
    throw new UnsupportedOperationException("no hand-offs with Redlock");
  }

  @Override
  public boolean canHandOff() {
    return false; // each acquisition takes a majority of its own
  }

  // ---- release and extend ----

  /**
   * {@inheritDoc} {@code lastFencingToken} is always 0 here: a Redlock lease is never handed on
   * locally (see {@link #take}).
   */
  @Override
  public CompletableFuture<Boolean> release(LockKeys keys, String token, long lastFencingToken) {
    held.ended(token);
    return decide(
        keys,
        "release",
        i -> order.run(i, token, () -> nodes.get(i).release(keys, token, lastFencingToken)),
        (node, deleted) -> {});
  }

  @Override
  public CompletableFuture<Boolean> extend(LockKeys keys, String token, long leaseMillis) {
    long sentAt = clock.nanoTime();
    return decide(
            keys,
            "renew",
            i -> order.run(i, token, () -> nodes.get(i).extend(keys, token, leaseMillis)),
            (node, extended) -> {
              if (!extended) {
                retake(keys, token, leaseMillis, node);
              }
            })
        .whenComplete(
            (extended, error) -> {
              if (error == null && !extended) {
                held.ended(token); // lost
              } else if (error == null) {
                held.renewed(token, sentAt, leaseMillis);
              }
            });
  }

  /**
   * A yes/no operation on every master: true once a majority said yes, false once a majority can no
   * longer say yes, else (too many failed) a {@link RedlockException}. When the answer is true,
   * {@code afterYes} sees each master's answer, late ones included.
   */
  private CompletableFuture<Boolean> decide(
      LockKeys keys,
      String operation,
      java.util.function.IntFunction<CompletableFuture<Boolean>> call,
      java.util.function.BiConsumer<Integer, Boolean> afterYes) {
    RedlockRound<Boolean> round =
        RedlockRound.send(
            nodes.size(),
            call,
            answers ->
                yes(answers) >= quorum
                    || RedlockRound.count(answers, a -> a.ok() && !a.value())
                        > nodes.size() - quorum);
    round
        .all()
        .thenAccept(
            answers -> {
              if (yes(answers) >= quorum) {
                answers.stream()
                    .filter(Answer::ok)
                    .forEach(a -> afterYes.accept(a.node(), a.value()));
              }
            });
    return round
        .outcome()
        .thenCompose(
            answers -> {
              if (yes(answers) >= quorum) {
                return CompletableFuture.completedFuture(true);
              }
              if (RedlockRound.count(answers, a -> a.ok() && !a.value()) > nodes.size() - quorum) {
                return CompletableFuture.completedFuture(false);
              }
              return CompletableFuture.failedFuture(
                  RedlockException.noQuorum(
                      "cannot "
                          + operation
                          + " lock '"
                          + keys.name()
                          + "': "
                          + yes(answers)
                          + " of "
                          + nodes.size()
                          + " masters agreed, a majority is "
                          + quorum
                          + " ("
                          + failures(answers)
                          + ")"));
            });
  }

  private static long yes(List<Answer<Boolean>> answers) {
    return RedlockRound.count(answers, a -> a.ok() && a.value());
  }

  /**
   * Takes the lock again with the lease's token on a master that lost its key while a majority
   * still holds it (restarted without persistence, or its key expired during a partition).
   */
  private void retake(LockKeys keys, String token, long leaseMillis, int node) {
    ScriptedDriver master = nodes.get(node);
    order
        .run(
            node,
            token,
            () ->
                held.isValid(token) // not released, lost or expired meanwhile
                    ? master.take(keys, token, leaseMillis, taker)
                    : CompletableFuture.completedFuture(TakeResult.busy(-2, false)))
        .whenComplete(
            (taken, error) -> {
              if (error != null) {
                log.debug(
                    "redmutex: could not take lock '{}' again on Redlock master {}: {}",
                    keys.name(),
                    master.describe(),
                    Failures.rootMessage(error));
              } else if (taken.acquired()) {
                log.info(
                    "redmutex: took lock '{}' again on Redlock master {}, which had lost it",
                    keys.name(),
                    master.describe());
              }
            });
  }

  // ---- waiters, operators ----

  @Override
  public CompletableFuture<Boolean> unwait(String waitersKey, String clientId) {
    return RedlockRound.send(
            nodes.size(), i -> nodes.get(i).unwait(waitersKey, clientId), answers -> false)
        .outcome()
        .thenCompose(
            answers ->
                RedlockRound.count(answers, Answer::ok) == 0
                    ? CompletableFuture.failedFuture(answers.get(0).error())
                    : CompletableFuture.completedFuture(
                        RedlockRound.count(answers, a -> a.ok() && a.value()) > 0));
  }

  /**
   * The lock as a majority sees it, in {@code inspect.lua}'s shape ({@link RedlockView}); needs
   * answers from a majority of masters.
   */
  @Override
  public CompletableFuture<List<Object>> inspect(LockKeys keys) {
    return RedlockRound.send(nodes.size(), i -> nodes.get(i).inspect(keys), answers -> false)
        .outcome()
        .thenCompose(
            answers -> {
              List<List<Object>> replies =
                  answers.stream().filter(Answer::ok).map(Answer::value).toList();
              if (replies.size() < quorum) {
                return CompletableFuture.failedFuture(
                    RedlockException.noQuorum(
                        "cannot inspect lock '"
                            + keys.name()
                            + "': "
                            + replies.size()
                            + " of "
                            + nodes.size()
                            + " masters answered ("
                            + failures(answers)
                            + ")"));
              }
              return CompletableFuture.completedFuture(RedlockView.combine(replies, quorum));
            });
  }

  @Override
  public CompletableFuture<String> breakLock(LockKeys keys, String owner) {
    return RedlockRound.send(
            nodes.size(), i -> nodes.get(i).breakLock(keys, owner), answers -> false)
        .outcome()
        .thenCompose(
            answers -> {
              if (RedlockRound.count(answers, Answer::ok) == 0) {
                return CompletableFuture.failedFuture(answers.get(0).error());
              }
              boolean broken = RedlockRound.count(answers, a -> a.ok() && a.value() != null) > 0;
              return CompletableFuture.completedFuture(broken ? owner : null);
            });
  }

  /** The union of every master's matching keys (a lock's key is on several). */
  @Override
  public CompletableFuture<List<String>> scanKeys(String pattern, String type, int limit) {
    return RedlockRound.send(
            nodes.size(), i -> nodes.get(i).scanKeys(pattern, type, limit), answers -> false)
        .outcome()
        .thenCompose(
            answers -> {
              if (RedlockRound.count(answers, Answer::ok) < quorum) {
                return CompletableFuture.failedFuture(
                    RedlockException.noQuorum("cannot list locks: " + failures(answers)));
              }
              Set<String> keys = new LinkedHashSet<>();
              answers.stream().filter(Answer::ok).forEach(a -> keys.addAll(a.value()));
              return CompletableFuture.completedFuture(
                  keys.stream().limit(limit).collect(Collectors.toList()));
            });
  }

  // ---- wake-ups ----

  /**
   * Subscribes on every master; done once a majority confirmed (a release deletes the key on a
   * majority, which shares a master with this one), or all answered with at least one; masters that
   * cannot subscribe leave timed retries to do the work.
   */
  @Override
  public CompletableFuture<Void> subscribe(String channel) {
    return RedlockRound.send(
            nodes.size(),
            i -> nodes.get(i).subscribe(channel),
            answers -> RedlockRound.count(answers, Answer::ok) >= quorum)
        .outcome()
        .thenCompose(
            answers ->
                RedlockRound.count(answers, Answer::ok) == 0
                    ? CompletableFuture.failedFuture(answers.get(0).error())
                    : CompletableFuture.completedFuture(null));
  }

  @Override
  public CompletableFuture<Void> unsubscribe(String channel) {
    return RedlockRound.send(nodes.size(), i -> nodes.get(i).unsubscribe(channel), answers -> false)
        .outcome()
        .thenApply(answers -> null);
  }

  @Override
  public void onWakeUp(Consumer<String> channelConsumer) {
    nodes.forEach(n -> n.onWakeUp(channelConsumer));
  }

  @Override
  public String describe() {
    return "Redlock masters "
        + nodes.stream().map(LockDriver::describe).collect(Collectors.joining(", "));
  }

  /** How many leases {@link RedlockLeases} holds; for tests. */
  int heldLeases() {
    return held.size();
  }

  @Override
  public void close() {
    held.clear();
    nodes.forEach(LockDriver::close);
  }
}
