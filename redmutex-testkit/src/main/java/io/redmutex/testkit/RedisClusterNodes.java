package io.redmutex.testkit;

import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.SlotHash;
import java.io.Closeable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * A real Redis Cluster of three masters and three replicas, six {@code redis-server} processes on
 * free loopback ports (each with its cluster bus port, port + 10000, free too), for tests. It is
 * put together with admin commands ({@code CLUSTER ADDSLOTS}, {@code MEET}, {@code REPLICATE}), not
 * {@code redis-cli --cluster create}, so it needs nothing but the {@code redis-server} that {@link
 * RedisBinary#find()} finds, the embedded 6.2 included. {@code cluster-node-timeout} is 1.5 s, so a
 * replica takes over a killed master in about three seconds.
 *
 * <pre>{@code
 * try (RedisClusterNodes cluster = RedisClusterNodes.builder().password("s3cret").start()) {
 *   RedisClusterClient client = RedisClusterClient.create(cluster.uri());
 *   client.connect().sync().set("key", "value");          // routed by slot
 *   RedisServer master = cluster.masterFor("key");
 *   cluster.killMaster(master);                            // SIGKILL
 *   RedisServer promoted = cluster.awaitFailover(Duration.ofSeconds(30));
 *   assertThat(cluster.masterFor("key")).isSameAs(promoted);
 * }
 * }</pre>
 *
 * <p>{@link #start()} and {@link Builder#start()} return once every node reports {@code
 * cluster_state:ok}, all six agree on who masters which slots and who replicates whom, and every
 * replica's link to its master is up; they throw and leave nothing running if that does not happen
 * within 30 s (scaled by {@link Timing}). Masters start with slots 0-5460, 5461-10922 and
 * 10923-16383. Nodes persist nothing but their {@code nodes.conf}: a restarted node keeps its
 * identity and loses its data.
 *
 * <p>Every node is a {@link RedisServer}, covered by the JVM shutdown hook and {@link
 * PrintRedisLogsOnFailure}. Share one cluster per test class, and leave it settled ({@link
 * #awaitFailover} and {@link #restart} do).
 */
public final class RedisClusterNodes implements Closeable {

  private static final String HOST = "127.0.0.1";
  private static final int MASTERS = 3;
  private static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);

  private final String password;
  private final List<RedisServer> nodes; // in start order: the first three started as masters
  private RedisServer killed; // guarded by this: the master the last killMaster killed
  private int killedSlot; // guarded by this: one slot it served
  private boolean closed; // guarded by this

  private RedisClusterNodes(String password, List<RedisServer> nodes) {
    this.password = password;
    this.nodes = List.copyOf(nodes);
  }

  /**
   * Starts a cluster with the defaults: no password, node timeout 1.5 s.
   *
   * @return the started cluster
   */
  public static RedisClusterNodes start() {
    return builder().start();
  }

  /**
   * Returns a builder for a cluster with a password or another node timeout.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /** {@return the password of every node, or {@code null} if none} */
  public String password() {
    return password;
  }

  /**
   * {@return {@code redis://127.0.0.1:P1,127.0.0.1:P2,...} with all six nodes as seeds, or with a
   * password {@code redis://:PASSWORD@127.0.0.1:P1,...} (percent-encoded): what Lettuce's {@code
   * RedisClusterClient.create(String)} accepts}
   */
  public String uri() {
    String auth = UriAuth.of(password);
    return "redis://"
        + auth
        + nodes.stream().map(n -> n.host() + ":" + n.port()).collect(Collectors.joining(","));
  }

  /**
   * {@return a new Lettuce {@link RedisURI} per node, with the password: seeds for a cluster
   * client}
   */
  public List<RedisURI> seedUris() {
    return nodes.stream().map(RedisServer::redisUri).toList();
  }

  /** {@return all six nodes, in start order (the first three started as masters)} */
  public List<RedisServer> nodes() {
    return nodes;
  }

  /**
   * {@return the masters that serve slots now, as the first running node sees it, in start order}
   * Right after a master dies this still holds it, until a replica takes over.
   */
  public List<RedisServer> masters() {
    ClusterView view = view();
    return nodes.stream()
        .filter(
            n -> view.byPort(n.port()).filter(e -> e.isMaster() && e.slotCount() > 0).isPresent())
        .toList();
  }

  /**
   * {@return the nodes that are replicas now, as the first running node sees it, in start order}
   */
  public List<RedisServer> replicas() {
    ClusterView view = view();
    return nodes.stream()
        .filter(n -> view.byPort(n.port()).filter(ClusterView.Entry::isReplica).isPresent())
        .toList();
  }

  /**
   * The master that serves {@code key}'s slot ({@link SlotHash#getSlot(String)}, hash tags
   * honoured) now, as the first running node sees it; possibly a master that is down.
   *
   * @param key a Redis key
   * @return the master of the slot
   */
  public RedisServer masterFor(String key) {
    Objects.requireNonNull(key, "key");
    int slot = SlotHash.getSlot(key);
    ClusterView view = view();
    ClusterView.Entry owner =
        view.ownerOf(slot)
            .orElseThrow(() -> new IllegalStateException("No master serves slot " + slot));
    return node(owner.port());
  }

  /**
   * Crashes {@code master} with SIGKILL. Its replica takes over once the other masters deem it
   * failed (after {@code cluster-node-timeout}); {@link #awaitFailover(Duration)} waits for that.
   *
   * @param master a master of this cluster now
   * @throws IllegalArgumentException if {@code master} is not a master of this cluster now
   */
  public synchronized void killMaster(RedisServer master) {
    Objects.requireNonNull(master, "master");
    requireOpen("kill a master of");
    ClusterView view = view();
    ClusterView.Entry entry =
        view.byPort(master.port())
            .filter(e -> nodes.contains(master) && e.isMaster() && e.slotCount() > 0)
            .orElseThrow(
                () -> new IllegalArgumentException(master + " is not a master of " + this));
    killedSlot = entry.slotRanges().get(0)[0];
    killed = master;
    master.kill();
  }

  /**
   * Waits until another node serves the slots of the master that the last {@link
   * #killMaster(RedisServer)} killed, and the cluster has settled: every running node reports
   * {@code cluster_state:ok}, they agree on the roles of all running nodes, and every running
   * replica's link is up.
   *
   * @param timeout scaled by {@link Timing}
   * @return the new master of those slots
   * @throws IllegalStateException if no master was killed, or on timeout (the message says what was
   *     last seen)
   */
  public RedisServer awaitFailover(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    RedisServer former;
    int slot;
    synchronized (this) {
      requireOpen("await a failover of");
      former = killed;
      slot = killedSlot;
    }
    if (former == null) {
      throw new IllegalStateException("Nothing to wait for: killMaster was not called on " + this);
    }
    ClusterView settled =
        awaitSettled(
            timeout,
            view -> view.ownerOf(slot).filter(e -> e.port() != former.port()).isPresent(),
            "slot " + slot + " to move away from " + former.port());
    return node(settled.ownerOf(slot).orElseThrow().port());
  }

  /**
   * Restarts one node like a crash and a supervisor would (SIGKILL, start on the same port; it
   * keeps its {@code nodes.conf}, so its identity, and loses its data) and returns once the cluster
   * has settled. A master that a replica has replaced comes back as that replica's replica.
   *
   * @param node a node of this cluster
   * @throws IllegalArgumentException if {@code node} is not part of this cluster
   */
  public void restart(RedisServer node) {
    Objects.requireNonNull(node, "node");
    if (!nodes.contains(node)) {
      throw new IllegalArgumentException(node + " is not part of " + this);
    }
    synchronized (this) {
      requireOpen("restart a node of");
      node.restart();
    }
    awaitSettled(SETTLE_TIMEOUT, view -> true, "the cluster to settle after restarting " + node);
  }

  /** Stops every node and deletes their directories. Idempotent. */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    RedisServer.closeAll(nodes);
  }

  @Override
  public String toString() {
    return "RedisClusterNodes["
        + nodes.stream().map(n -> Integer.toString(n.port())).collect(Collectors.joining(","))
        + "]";
  }

  /** The view of the first running, unfrozen node. */
  private ClusterView view() {
    RedisException last = null;
    for (RedisServer node : nodes) {
      if (node.isRunning() && !node.isPaused()) {
        try {
          return ClusterView.parse((String) node.call(PROBE_TIMEOUT, "CLUSTER", "NODES"));
        } catch (RedisException e) {
          last = e;
        }
      }
    }
    throw new IllegalStateException("No node of " + this + " answers CLUSTER NODES", last);
  }

  private RedisServer node(int port) {
    return nodes.stream()
        .filter(n -> n.port() == port)
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("Port " + port + " is not a node of " + this));
  }

  private synchronized void requireOpen(String action) {
    if (closed) {
      throw new IllegalStateException("Cannot " + action + " " + this + ": it is closed");
    }
  }

  /** A condition on a settled view. */
  private interface ViewCondition {
    boolean holds(ClusterView view);
  }

  private ClusterView awaitSettled(Duration timeout, ViewCondition condition, String what) {
    ClusterView[] settled = new ClusterView[1];
    String[] seen = {"nothing yet"};
    Polling.await(
        timeout,
        () -> {
          try {
            Optional<ClusterView> view = settledView(seen);
            if (view.isPresent() && condition.holds(view.get())) {
              settled[0] = view.get();
              return true;
            }
            return false;
          } catch (RedisException e) {
            seen[0] = e.getMessage();
            return false;
          }
        },
        () -> what + " in " + this + "; last seen: " + seen[0]);
    return settled[0];
  }

  /**
   * The view all running nodes share once each reports {@code cluster_state:ok}, three masters
   * cover every slot, no running node is deemed failed, and each running replica's link is up.
   */
  private Optional<ClusterView> settledView(String[] seen) {
    List<RedisServer> running = nodes.stream().filter(n -> n.isRunning() && !n.isPaused()).toList();
    String agreed = null;
    ClusterView first = null;
    for (RedisServer node : running) {
      Map<String, String> info = Replies.info((String) node.call(PROBE_TIMEOUT, "CLUSTER", "INFO"));
      if (!"ok".equals(info.get("cluster_state"))
          || !Integer.toString(nodes.size()).equals(info.get("cluster_known_nodes"))) {
        seen[0] = node.port() + " reports " + info;
        return Optional.empty();
      }
      ClusterView view = ClusterView.parse((String) node.call(PROBE_TIMEOUT, "CLUSTER", "NODES"));
      List<ClusterView.Entry> live =
          view.entries().stream()
              .filter(e -> running.stream().anyMatch(n -> n.port() == e.port()))
              .toList();
      if (live.stream().anyMatch(ClusterView.Entry::isTroubled)) {
        seen[0] = node.port() + " deems a running node failed: " + view;
        return Optional.empty();
      }
      String summary =
          live.stream()
              .sorted((a, b) -> Integer.compare(a.port(), b.port()))
              .map(e -> e.summary(view))
              .collect(Collectors.joining("; "));
      if (agreed != null && !agreed.equals(summary)) {
        seen[0] = "views differ: [" + agreed + "] and, at " + node.port() + ", [" + summary + "]";
        return Optional.empty();
      }
      agreed = summary;
      if (first == null) {
        first = view;
      }
      ClusterView.Entry myself = view.myself();
      if (myself.isReplica()) {
        Map<String, String> link = node.info(PROBE_TIMEOUT, "replication");
        if (!"up".equals(link.get("master_link_status"))) {
          seen[0] = "replica " + node.port() + " reports " + link;
          return Optional.empty();
        }
      }
    }
    if (first == null) {
      seen[0] = "no node running";
      return Optional.empty();
    }
    ClusterView view = first;
    long servingMasters =
        view.entries().stream().filter(e -> e.isMaster() && e.slotCount() > 0).count();
    if (servingMasters != MASTERS) {
      seen[0] = servingMasters + " masters serve slots: " + agreed;
      return Optional.empty();
    }
    return Optional.of(view);
  }

  private static RedisClusterNodes startNew(Builder builder) {
    List<RedisServer> nodes = new ArrayList<>();
    try {
      for (int i = 0; i < 2 * MASTERS; i++) {
        nodes.add(clusterNode(builder));
      }
      RedisClusterNodes cluster = new RedisClusterNodes(builder.password, nodes);
      cluster.form();
      return cluster;
    } catch (RuntimeException e) {
      try {
        RedisServer.closeAll(nodes);
      } catch (RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  /** Assigns slots, introduces the nodes to each other, then pairs replicas with masters. */
  private void form() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) {
      RedisServer node = nodes.get(i);
      ids.add((String) node.call(PROBE_TIMEOUT, "CLUSTER", "MYID"));
      // Distinct epochs up front, as redis-cli does, so that no collision needs resolving.
      node.call(PROBE_TIMEOUT, "CLUSTER", "SET-CONFIG-EPOCH", Integer.toString(i + 1));
    }
    for (int i = 0; i < MASTERS; i++) {
      int from = i * ClusterView.SLOTS / MASTERS;
      int to = (i + 1) * ClusterView.SLOTS / MASTERS - 1;
      List<String> command = new ArrayList<>(List.of("CLUSTER", "ADDSLOTS"));
      IntStream.rangeClosed(from, to).forEach(slot -> command.add(Integer.toString(slot)));
      nodes.get(i).call(PROBE_TIMEOUT, command.toArray(String[]::new));
    }
    RedisServer first = nodes.get(0);
    for (RedisServer node : nodes.subList(1, nodes.size())) {
      first.call(PROBE_TIMEOUT, "CLUSTER", "MEET", node.host(), Integer.toString(node.port()));
    }
    Polling.await(
        SETTLE_TIMEOUT,
        () -> {
          for (RedisServer node : nodes) {
            ClusterView view =
                ClusterView.parse((String) node.call(PROBE_TIMEOUT, "CLUSTER", "NODES"));
            if (view.entries().size() != nodes.size()
                || view.entries().stream().anyMatch(ClusterView.Entry::isTroubled)) {
              return false;
            }
          }
          return true;
        },
        () -> "every node of " + this + " to know the others");
    for (int i = MASTERS; i < nodes.size(); i++) {
      nodes.get(i).call(PROBE_TIMEOUT, "CLUSTER", "REPLICATE", ids.get(i - MASTERS));
    }
    awaitSettled(SETTLE_TIMEOUT, view -> true, "the cluster to form");
  }

  private static RedisServer clusterNode(Builder builder) {
    RedisServer.Builder node =
        RedisServer.builder()
            .clusterBus()
            .config("cluster-enabled", "yes")
            .config("cluster-config-file", "nodes.conf")
            .config("cluster-node-timeout", Long.toString(builder.nodeTimeout.toMillis()))
            // Full syncs straight over the socket, without the default 5 s wait for more replicas.
            .config("repl-diskless-sync", "yes")
            .config("repl-diskless-sync-delay", "0");
    if (builder.password != null) {
      node.password(builder.password).config("masterauth", RedisConfig.quote(builder.password));
    }
    if (builder.binary != null) {
      node.binary(builder.binary);
    }
    return node.start();
  }

  /**
   * Options for a {@link RedisClusterNodes}. Each may be set once; a bad value throws {@link
   * IllegalArgumentException}, a second setting {@link IllegalStateException}.
   */
  public static final class Builder {

    private static final Duration DEFAULT_NODE_TIMEOUT = Duration.ofMillis(1500);

    private String password;
    private Duration nodeTimeout = DEFAULT_NODE_TIMEOUT;
    private boolean nodeTimeoutSet;
    private Path binary;

    private Builder() {}

    /**
     * The password of every node ({@code requirepass}, and {@code masterauth} for replication).
     * Default: none. Must not be empty.
     *
     * @param password the password; not empty
     * @return this builder
     */
    public Builder password(String password) {
      Objects.requireNonNull(password, "password");
      if (password.isEmpty()) {
        throw new IllegalArgumentException("password must not be empty");
      }
      if (this.password != null) {
        throw new IllegalStateException("password is already set");
      }
      this.password = password;
      return this;
    }

    /**
     * {@code cluster-node-timeout}: how long a node may be unreachable before it is deemed failing.
     * Default: 1.5 s. Must be at least 1 ms. Not scaled by {@link Timing}: it is part of the
     * behaviour under test.
     *
     * @param nodeTimeout the node timeout
     * @return this builder
     */
    public Builder nodeTimeout(Duration nodeTimeout) {
      Objects.requireNonNull(nodeTimeout, "nodeTimeout");
      if (nodeTimeout.toMillis() < 1) {
        throw new IllegalArgumentException("nodeTimeout must be at least 1 ms, was " + nodeTimeout);
      }
      if (nodeTimeoutSet) {
        throw new IllegalStateException("nodeTimeout is already set to " + this.nodeTimeout);
      }
      this.nodeTimeout = nodeTimeout;
      nodeTimeoutSet = true;
      return this;
    }

    /**
     * Runs this {@code redis-server}. Default: {@link RedisBinary#find()}.
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
     * Starts six nodes, forms the cluster and returns once it has settled.
     *
     * @return the started cluster
     * @throws IllegalStateException if a node does not start or the cluster does not settle within
     *     30 s (scaled); nothing is left running then
     */
    public RedisClusterNodes start() {
      return RedisClusterNodes.startNew(this);
    }
  }
}
