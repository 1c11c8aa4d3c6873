package io.redmutex.testkit;

import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import java.io.Closeable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A Redis Sentinel deployment as real processes on free loopback ports: a master, two replicas and
 * three Sentinels (quorum 2), all behind one password the way the Bitnami {@code redis} Helm chart
 * sets it up with {@code auth.sentinel=true}: {@code requirepass} and {@code masterauth} on the
 * data nodes, {@code requirepass} and {@code sentinel auth-pass} on the Sentinels. Failure
 * detection is short ({@code down-after-milliseconds} 1 s, {@code failover-timeout} 2 s) so that
 * failover tests take seconds.
 *
 * <pre>{@code
 * try (SentinelGroup group = SentinelGroup.builder().password("s3cret").start()) {
 *   RedisClient client = RedisClient.create(group.uri()); // redis-sentinel://:s3cret@...#mymaster
 *   RedisServer old = group.killMaster();                  // SIGKILL
 *   RedisServer promoted = group.awaitFailover(Duration.ofSeconds(30));
 *   assertThat(promoted).isNotSameAs(old);
 * }
 * }</pre>
 *
 * <p><b>A failover that loses writes.</b> Redis replicates asynchronously, so a write acknowledged
 * by the master can vanish in a failover. This reproduces it deterministically:
 *
 * <pre>{@code
 * group.cutReplication();            // replicas frozen, their links dropped by the master
 * group.master().command("SET", "k", "v");
 * group.killMaster();                // the only copy of k dies
 * group.resumeReplicas();
 * RedisServer promoted = group.awaitFailover(Duration.ofSeconds(30));
 * assertThat(promoted.command("GET", "k")).isNull();
 * }</pre>
 *
 * <p>{@link #start()} and {@link Builder#start()} return once the replicas are online (the master
 * lists both with {@code state=online}) and every Sentinel knows the master, both replicas and the
 * two other Sentinels; they throw and leave nothing running if that does not happen within 30 s
 * (scaled by {@link Timing}). Every process is a {@link RedisServer}, so the JVM shutdown hook and
 * {@link PrintRedisLogsOnFailure} cover them. Sentinels run as {@code redis-server CONF --sentinel}
 * from {@link RedisBinary#find()}, so the embedded Redis 6.2 works as well as an installed one.
 *
 * <p>The group remembers which master the last {@link #killMaster()} or {@link #failover()} moved
 * away from, for {@link #awaitFailover(Duration)}. Methods are thread-safe, but a fixture is meant
 * to be driven by one test at a time: share one group per test class, and have each test leave it
 * settled (a running master, replicas online), as {@link #awaitFailover} and {@link #restart} do.
 */
public final class SentinelGroup implements Closeable {

  /** The master set name unless {@link Builder#masterName(String)} sets another. */
  public static final String DEFAULT_MASTER_NAME = "mymaster";

  /** The password of every process unless {@link Builder#password(String)} sets another. */
  public static final String DEFAULT_PASSWORD = "redmutex";

  private static final String HOST = "127.0.0.1";
  static final int REPLICAS = 2;
  static final int SENTINELS = 3;
  static final int QUORUM = 2;
  private static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(30);
  static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);
  private static final Pattern MASTER_NAME = Pattern.compile("[A-Za-z0-9._-]+");

  private final String masterName;
  private final String password;
  private final List<RedisServer> dataNodes; // in start order: the first was the first master
  private final List<RedisServer> sentinels;
  private RedisServer formerMaster; // guarded by this: what the last failover moves away from
  private List<RedisServer> frozen = List.of(); // guarded by this: replicas cutReplication paused
  private boolean closed; // guarded by this
  private final SentinelSettlement settlement;

  private SentinelGroup(
      String masterName,
      String password,
      List<RedisServer> dataNodes,
      List<RedisServer> sentinels) {
    this.masterName = masterName;
    this.password = password;
    this.dataNodes = List.copyOf(dataNodes);
    this.sentinels = List.copyOf(sentinels);
    this.settlement =
        new SentinelSettlement(masterName, this.dataNodes, this.sentinels, this::toString);
  }

  /**
   * Starts a group with the defaults: password {@value #DEFAULT_PASSWORD}, {@code mymaster}.
   *
   * @return the started group
   */
  public static SentinelGroup start() {
    return builder().start();
  }

  /**
   * Returns a builder for a group with another password, master name or timing.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /** {@return the master set name the Sentinels monitor, {@code mymaster} by default} */
  public String masterName() {
    return masterName;
  }

  /** {@return the one password of every data node and Sentinel} */
  public String password() {
    return password;
  }

  /**
   * {@return {@code redis-sentinel://:PASSWORD@127.0.0.1:P1,127.0.0.1:P2,127.0.0.1:P3/0#mymaster},
   * the password percent-encoded, in Lettuce's syntax} The empty user name before the colon keeps a
   * password containing a colon a password; without one, {@code redis-sentinel://PASSWORD@...} as
   * in the Bitnami docs means the same to Lettuce.
   *
   * <p>Lettuce ({@code RedisURI.create}, 7.7) applies the password of such a URI to the data nodes
   * only, not to the Sentinels, which then refuse it ({@code NOAUTH}): a client must copy the
   * credentials onto each of {@code getSentinels()}, or use {@link #redisUri()}.
   */
  public String uri() {
    return "redis-sentinel://:"
        + UriAuth.encode(password)
        + "@"
        + sentinels.stream().map(s -> s.host() + ":" + s.port()).collect(Collectors.joining(","))
        + "/0#"
        + UriAuth.encode(masterName);
  }

  /**
   * {@return a new Lettuce {@link RedisURI} for this group: the three Sentinels and the master
   * name, with the password for the Sentinels and the data nodes alike} Mutable, so tune it.
   */
  public RedisURI redisUri() {
    RedisURI.Builder uri =
        RedisURI.Builder.sentinel(HOST, sentinels.get(0).port(), masterName, password);
    for (RedisServer sentinel : sentinels.subList(1, sentinels.size())) {
      uri.withSentinel(HOST, sentinel.port(), password);
    }
    return uri.withPassword(password.toCharArray()).build();
  }

  /**
   * {@return the data node that is master now, as the Sentinels name it ({@code SENTINEL
   * GET-MASTER-ADDR-BY-NAME}, asking each running Sentinel in turn until one answers)} Right after
   * a crash this is still the dead master, until the Sentinels fail over.
   *
   * @throws IllegalStateException if no Sentinel answers
   */
  public RedisServer master() {
    RuntimeException last = null;
    for (RedisServer sentinel : sentinels) {
      if (!sentinel.isRunning() || sentinel.isPaused()) {
        continue;
      }
      try {
        List<?> address =
            Replies.list(
                sentinel.call(PROBE_TIMEOUT, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", masterName));
        if (address.size() == 2) {
          return settlement.dataNodeAt(
              String.valueOf(address.get(0)), String.valueOf(address.get(1)));
        }
      } catch (RedisException e) {
        last = e;
      }
    }
    throw new IllegalStateException("No Sentinel of " + this + " names the master", last);
  }

  /** {@return the data nodes other than {@link #master()}, running or not, in start order} */
  public List<RedisServer> replicas() {
    RedisServer master = master();
    return dataNodes.stream().filter(node -> node != master).toList();
  }

  /** {@return the three Sentinels, in start order} */
  public List<RedisServer> sentinels() {
    return sentinels;
  }

  /**
   * {@return the three data nodes (master and replicas, whichever is which now), in start order}
   */
  public List<RedisServer> nodes() {
    return dataNodes;
  }

  /**
   * Crashes the current master with SIGKILL and returns it; the Sentinels notice after {@code
   * down-after-milliseconds} and fail over. {@link #awaitFailover(Duration)} waits for that.
   *
   * @return the killed master
   */
  public synchronized RedisServer killMaster() {
    requireOpen("kill the master of");
    RedisServer master = master();
    master.kill();
    formerMaster = master;
    return master;
  }

  /**
   * Waits until the group has failed over away from the master that the last {@link #killMaster()}
   * or {@link #failover()} left, and has settled: every running Sentinel names the same other data
   * node and reports it as a plain {@code master} (no failover in progress), that node reports
   * {@code role:master}, and every other running, unfrozen data node replicates from it with its
   * link up.
   *
   * @param timeout scaled by {@link Timing}
   * @return the new master
   * @throws IllegalStateException if nothing was killed or failed over, or on timeout (the message
   *     says what was last seen)
   */
  public RedisServer awaitFailover(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    RedisServer former;
    synchronized (this) {
      requireOpen("await a failover of");
      former = formerMaster;
    }
    if (former == null) {
      throw new IllegalStateException(
          "Nothing to wait for: neither killMaster() nor failover() was called on " + this);
    }
    return awaitSettled(timeout, former, "a failover away from " + former.port());
  }

  /**
   * Has the Sentinels fail over now ({@code SENTINEL FAILOVER}, which needs no agreement) and waits
   * until the group has settled on the new master, for up to 30 s (scaled). That takes about 10 s:
   * the old master keeps running, and a Sentinel waits four hello periods (8 s) before it turns an
   * instance that still claims to be master into a replica. Until then the old master accepts
   * writes from clients that still talk to it, as it would in production.
   *
   * @return the new master
   * @throws io.lettuce.core.RedisCommandExecutionException if the Sentinel refuses, e.g. {@code
   *     INPROG} (a failover is under way) or {@code NOGOODSLAVE} (no replica fit to promote)
   */
  public RedisServer failover() {
    RedisServer master;
    synchronized (this) {
      requireOpen("fail over");
      master = master();
      RedisServer sentinel =
          sentinels.stream()
              .filter(s -> s.isRunning() && !s.isPaused())
              .findFirst()
              .orElseThrow(() -> new IllegalStateException("No Sentinel of " + this + " runs"));
      sentinel.call(PROBE_TIMEOUT, "SENTINEL", "FAILOVER", masterName);
      formerMaster = master;
    }
    return awaitSettled(SETTLE_TIMEOUT, master, "a failover away from " + master.port());
  }

  /**
   * Cuts replication so that the next writes live on the master only: freezes every running replica
   * with SIGSTOP, then has the master drop their links ({@code CLIENT KILL TYPE replica}), and
   * returns once the master counts no replica. Freezing alone is not enough: the frozen replica's
   * kernel would keep receiving the stream and the replica would apply it on resume.
   *
   * <p>The cut holds while the replicas stay frozen. Once {@link #resumeReplicas() resumed}, they
   * reconnect and catch up with a master that is still alive; kill the master first to lose the
   * writes for good.
   *
   * @throws IllegalStateException if replication is already cut
   */
  public synchronized void cutReplication() {
    requireOpen("cut replication of");
    if (!frozen.isEmpty()) {
      throw new IllegalStateException("Replication of " + this + " is already cut");
    }
    RedisServer master = master();
    List<RedisServer> replicas =
        dataNodes.stream()
            .filter(node -> node != master && node.isRunning() && !node.isPaused())
            .toList();
    for (RedisServer replica : replicas) {
      replica.pause();
    }
    frozen = replicas;
    master.call(PROBE_TIMEOUT, "CLIENT", "KILL", "TYPE", "replica");
    Polling.await(
        Duration.ofSeconds(5),
        () -> "0".equals(master.info(PROBE_TIMEOUT, "replication").get("connected_slaves")),
        () -> master + " to drop its replicas");
  }

  /**
   * Continues the replicas that {@link #cutReplication()} froze, and returns at once. No-op if
   * replication is not cut.
   */
  public synchronized void resumeReplicas() {
    for (RedisServer replica : frozen) {
      replica.resume();
    }
    frozen = List.of();
  }

  /**
   * Restarts one process of the group, the way a supervisor does (kill, start, no data kept), and
   * returns once the group has settled. A data node that is not the master comes back as a replica
   * of the current master (this sends it {@code REPLICAOF}, as the Bitnami chart's start script
   * does); a restarted master comes back empty and its replicas resynchronise from it, unless the
   * Sentinels fail over first. A Sentinel comes back with the state it had written to its config
   * file.
   *
   * @param node a data node or Sentinel of this group
   * @throws IllegalArgumentException if {@code node} is not part of this group
   */
  public void restart(RedisServer node) {
    Objects.requireNonNull(node, "node");
    if (!dataNodes.contains(node) && !sentinels.contains(node)) {
      throw new IllegalArgumentException(node + " is not part of " + this);
    }
    synchronized (this) {
      requireOpen("restart a node of");
      if (sentinels.contains(node)) {
        node.restart();
      } else {
        RedisServer master = master();
        node.restart();
        if (node != master) {
          node.call(PROBE_TIMEOUT, "REPLICAOF", master.host(), Integer.toString(master.port()));
        }
      }
    }
    awaitSettled(SETTLE_TIMEOUT, null, "the group to settle after restarting " + node.port());
  }

  /** Stops the Sentinels first (so that they fail nothing over), then the data nodes. */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    List<RedisServer> all = new ArrayList<>(sentinels);
    all.addAll(dataNodes);
    RedisServer.closeAll(all);
  }

  @Override
  public String toString() {
    return "SentinelGroup["
        + masterName
        + ", data nodes "
        + ports(dataNodes)
        + ", sentinels "
        + ports(sentinels)
        + "]";
  }

  /**
   * Waits until every running Sentinel agrees on a master other than {@code notThis}, with both
   * replicas and two other Sentinels known and no failover in progress, and replication to every
   * running, unfrozen data node is online.
   */
  private RedisServer awaitSettled(Duration timeout, RedisServer notThis, String what) {
    RedisServer[] settled = new RedisServer[1];
    String[] seen = {"nothing yet"};
    Polling.await(
        timeout,
        () -> {
          try {
            Optional<RedisServer> master = settlement.settledMaster(notThis, seen);
            master.ifPresent(m -> settled[0] = m);
            return master.isPresent();
          } catch (RedisException e) {
            seen[0] = e.getMessage();
            return false;
          }
        },
        () -> what + " of " + this + "; last seen: " + seen[0]);
    return settled[0];
  }

  private synchronized void requireOpen(String action) {
    if (closed) {
      throw new IllegalStateException("Cannot " + action + " " + this + ": it is closed");
    }
  }

  private static String ports(List<RedisServer> servers) {
    return servers.stream().map(s -> Integer.toString(s.port())).collect(Collectors.joining(","));
  }

  private static SentinelGroup startNew(Builder builder) {
    String password = builder.password == null ? DEFAULT_PASSWORD : builder.password;
    String masterName = builder.masterName == null ? DEFAULT_MASTER_NAME : builder.masterName;
    List<RedisServer> dataNodes = new ArrayList<>();
    List<RedisServer> sentinels = new ArrayList<>();
    try {
      RedisServer master = SentinelNodes.dataNode(builder.binary, password, null);
      dataNodes.add(master);
      for (int i = 0; i < REPLICAS; i++) {
        dataNodes.add(SentinelNodes.dataNode(builder.binary, password, master));
      }
      // Sentinels discover replicas from the master's INFO, which they read at once and then only
      // every 10 s: start them once the replicas show there, or the group takes 10 s to settle.
      Polling.await(
          SETTLE_TIMEOUT,
          () -> {
            Map<String, String> info = master.info(PROBE_TIMEOUT, "replication");
            return Integer.toString(REPLICAS).equals(info.get("connected_slaves"));
          },
          () -> master + " to have " + REPLICAS + " replicas");
      for (int i = 0; i < SENTINELS; i++) {
        sentinels.add(
            SentinelNodes.sentinel(
                builder.binary,
                builder.downAfter,
                builder.failoverTimeout,
                password,
                masterName,
                master));
      }
      SentinelGroup group = new SentinelGroup(masterName, password, dataNodes, sentinels);
      group.awaitSettled(SETTLE_TIMEOUT, null, "the group to start");
      return group;
    } catch (RuntimeException e) {
      List<RedisServer> started = new ArrayList<>(sentinels);
      started.addAll(dataNodes);
      try {
        RedisServer.closeAll(started);
      } catch (RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  /**
   * Options for a {@link SentinelGroup}. Each may be set once; a bad value throws {@link
   * IllegalArgumentException}, a second setting {@link IllegalStateException}.
   */
  public static final class Builder {

    private static final Duration DEFAULT_DOWN_AFTER = Duration.ofSeconds(1);
    private static final Duration DEFAULT_FAILOVER_TIMEOUT = Duration.ofSeconds(2);

    private String password;
    private String masterName;
    private Duration downAfter = DEFAULT_DOWN_AFTER;
    private boolean downAfterSet;
    private Duration failoverTimeout = DEFAULT_FAILOVER_TIMEOUT;
    private boolean failoverTimeoutSet;
    private Path binary;

    private Builder() {}

    /**
     * The password of every data node and Sentinel. Default: {@value #DEFAULT_PASSWORD}. Must not
     * be empty, and must not hold white space, quotes, backslashes or control characters: Redis 7.0
     * Sentinel writes {@code sentinel auth-pass} back to its config file unquoted, so such a
     * password would keep a restarted Sentinel from starting.
     *
     * @param password the password
     * @return this builder
     */
    public Builder password(String password) {
      Objects.requireNonNull(password, "password");
      if (password.isEmpty()) {
        throw new IllegalArgumentException("password must not be empty");
      }
      if (!password.chars().allMatch(c -> c > ' ' && c != 127 && "\"'\\".indexOf(c) < 0)) {
        throw new IllegalArgumentException(
            "password must not hold white space, quotes, backslashes or control characters"
                + " (Sentinel writes it back to its config file unquoted)");
      }
      if (this.password != null) {
        throw new IllegalStateException("password is already set");
      }
      this.password = password;
      return this;
    }

    /**
     * The master set name. Default: {@value #DEFAULT_MASTER_NAME}. Letters, digits, {@code .},
     * {@code _} and {@code -} only.
     *
     * @param masterName the master set name
     * @return this builder
     */
    public Builder masterName(String masterName) {
      Objects.requireNonNull(masterName, "masterName");
      if (!MASTER_NAME.matcher(masterName).matches()) {
        throw new IllegalArgumentException(
            "masterName must be letters, digits, '.', '_' or '-', was '" + masterName + "'");
      }
      if (this.masterName != null) {
        throw new IllegalStateException("masterName is already set to " + this.masterName);
      }
      this.masterName = masterName;
      return this;
    }

    /**
     * How long a Sentinel waits without a valid reply before it deems an instance down ({@code
     * down-after-milliseconds}). Default: 1 s. Must be at least 1 ms. Not scaled by {@link Timing}:
     * it is part of the behaviour under test.
     *
     * @param downAfter the Sentinels' {@code down-after-milliseconds}
     * @return this builder
     */
    public Builder downAfter(Duration downAfter) {
      checkMillis(downAfter, "downAfter");
      if (downAfterSet) {
        throw new IllegalStateException("downAfter is already set to " + this.downAfter);
      }
      this.downAfter = downAfter;
      downAfterSet = true;
      return this;
    }

    /**
     * The Sentinels' {@code failover-timeout}: how long a failover step may take, and half the time
     * before the same master may be failed over again automatically. Default: 2 s. Must be at least
     * 1 ms. Not scaled by {@link Timing}.
     *
     * @param failoverTimeout the Sentinels' {@code failover-timeout}
     * @return this builder
     */
    public Builder failoverTimeout(Duration failoverTimeout) {
      checkMillis(failoverTimeout, "failoverTimeout");
      if (failoverTimeoutSet) {
        throw new IllegalStateException(
            "failoverTimeout is already set to " + this.failoverTimeout);
      }
      this.failoverTimeout = failoverTimeout;
      failoverTimeoutSet = true;
      return this;
    }

    /**
     * Runs this {@code redis-server} for data nodes and Sentinels alike. Default: {@link
     * RedisBinary#find()}.
     *
     * @param binary the {@code redis-server} executable
     * @return this builder
     */
    public Builder binary(Path binary) {
      Objects.requireNonNull(binary, "binary");
      if (this.binary != null) {
        throw new IllegalStateException("binary is already set to " + this.binary);
      }
      this.binary = binary;
      return this;
    }

    /**
     * Starts the six processes and returns once replication is online and the Sentinels know each
     * other.
     *
     * @return the started group
     * @throws IllegalStateException if a process does not start or the group does not settle within
     *     30 s (scaled); nothing is left running then
     */
    public SentinelGroup start() {
      return SentinelGroup.startNew(this);
    }

    private static void checkMillis(Duration duration, String name) {
      Objects.requireNonNull(duration, name);
      if (duration.toMillis() < 1) {
        throw new IllegalArgumentException(name + " must be at least 1 ms, was " + duration);
      }
    }
  }
}
