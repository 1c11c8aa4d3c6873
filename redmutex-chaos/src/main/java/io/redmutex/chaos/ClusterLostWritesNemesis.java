package io.redmutex.chaos;

import io.redmutex.testkit.RedisClusterNodes;
import io.redmutex.testkit.RedisServer;
import io.redmutex.testkit.Timing;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The cluster failover that loses writes, for the slot of one lock: freeze (SIGSTOP) the replica of
 * the master serving that slot and have the master drop its link, wait for a lease of that lock
 * taken after the cut whose holder is in the middle of a long update, kill the master, resume the
 * replica and let it take the slot over without that lease. Its holder keeps believing it holds the
 * lock while another client takes it on the promoted replica. The cluster counterpart of {@link
 * LostWritesNemesis}.
 *
 * <p>Before the cut the replica is told {@code cluster-replica-validity-factor 0}: a replica frozen
 * for longer than about ten node timeouts would otherwise deem its data too old to take over, and
 * the slot would stay down.
 */
final class ClusterLostWritesNemesis implements Nemesis {
  private static final long IN_FLIGHT_NANOS = Duration.ofMillis(50).toNanos();
  private static final Duration DROP_TIMEOUT = Duration.ofSeconds(5);
  private static final Pattern MASTER_PORT = Pattern.compile("(?m)^master_port:(\\d+)\\s*$");
  private static final Pattern CONNECTED = Pattern.compile("(?m)^connected_slaves:(\\d+)\\s*$");

  private final long minVictimHoldMillis;
  private final Duration victimWait;

  /**
   * @param minVictimHoldMillis how long the victim must still be about to work (it must outlast the
   *     failover for its stale write to land after the next holder's)
   * @param victimWait how long to wait for such a victim before killing the master anyway
   */
  ClusterLostWritesNemesis(long minVictimHoldMillis, Duration victimWait) {
    this.minVictimHoldMillis = minVictimHoldMillis;
    this.victimWait = victimWait;
  }

  @Override
  public void run(Context c) throws InterruptedException {
    RedisClusterNodes cluster = c.topology().cluster();
    RedisServer down = null;
    for (int i = 0; i < c.faults(); i++) {
      if (down != null) {
        cluster.restart(down);
      }
      Nemesis.sleep(c.between(1000, 2000));
      String lock = c.workload().locks().get(c.random().nextInt(c.workload().locks().size()));
      RedisServer master = cluster.masterFor(lock);
      List<RedisServer> replicas =
          cluster.replicas().stream().filter(r -> masterPort(r) == master.port()).toList();
      if (replicas.isEmpty()) {
        throw new IllegalStateException("master :" + master.port() + " has no replica");
      }
      int from = c.history().size();
      long start;
      Optional<Op> victim;
      for (RedisServer replica : replicas) {
        replica.command("CONFIG", "SET", "cluster-replica-validity-factor", "0");
      }
      try {
        cutReplication(master, replicas);
        long cut = System.nanoTime();
        // A lease of that lock whose take surely ran after the cut: invoked after it, or answered
        // well after.
        Set<String> onMasterOnly = new HashSet<>();
        victim =
            c.history()
                .await(
                    from,
                    op -> {
                      if (!op.lock().equals(lock)) {
                        return false;
                      }
                      if (op.is(Op.Kind.ACQUIRE, Op.Outcome.OK)
                          && (op.invokeNanos() > cut
                              || op.completeNanos() - cut > IN_FLIGHT_NANOS)) {
                        onMasterOnly.add(op.client() + "/" + op.token());
                      }
                      return op.kind() == Op.Kind.THINK
                          && op.value() >= minVictimHoldMillis
                          && onMasterOnly.contains(op.client() + "/" + op.token());
                    },
                    victimWait);
        cluster.killMaster(master);
        start = System.nanoTime();
      } finally {
        replicas.forEach(RedisServer::resume);
      }
      down = master;
      RedisServer promoted =
          cluster.awaitFailover(Timing.scaled(KillMasterNemesis.FAILOVER_TIMEOUT));
      c.record(
          "cut replication of :"
              + master.port()
              + " ("
              + lock
              + "'s slot), "
              + victim
                  .map(v -> "client " + v.client() + " took token " + v.token())
                  .orElse("no lease taken")
              + ", kill it, failover to :"
              + promoted.port(),
          FaultRecord.ALL_CLIENTS,
          false,
          start);
    }
  }

  /**
   * Freezes the replicas, then has the master drop their links, and returns once it counts none:
   * freezing alone is not enough, as the frozen replica's kernel would keep receiving the stream.
   */
  private static void cutReplication(RedisServer master, List<RedisServer> replicas)
      throws InterruptedException {
    for (RedisServer replica : replicas) {
      replica.pause();
    }
    master.command("CLIENT", "KILL", "TYPE", "replica");
    long deadline = System.nanoTime() + Timing.scaled(DROP_TIMEOUT).toNanos();
    while (connectedReplicas(master) > 0) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("master :" + master.port() + " kept its replicas");
      }
      Nemesis.sleep(20);
    }
  }

  private static int masterPort(RedisServer replica) {
    Matcher m = MASTER_PORT.matcher(replica.command("INFO", "replication"));
    return m.find() ? Integer.parseInt(m.group(1)) : -1;
  }

  private static int connectedReplicas(RedisServer master) {
    Matcher m = CONNECTED.matcher(master.command("INFO", "replication"));
    if (!m.find()) {
      throw new IllegalStateException("no connected_slaves in INFO of :" + master.port());
    }
    return Integer.parseInt(m.group(1));
  }
}
