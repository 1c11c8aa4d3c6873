package io.redmutex.chaos;

import io.redmutex.testkit.RedisClusterNodes;
import io.redmutex.testkit.RedisServer;
import io.redmutex.testkit.Timing;
import java.time.Duration;
import java.util.Optional;

/**
 * Kills (SIGKILL) the cluster master that serves the slot of a lock held now, and waits for its
 * replica to take the slot over. Between faults, the killed node comes back (empty) as the new
 * master's replica. Replication is intact: the cluster counterpart of {@link KillMasterNemesis}.
 */
final class ClusterKillMasterNemesis implements Nemesis {

  @Override
  public void run(Context c) throws InterruptedException {
    RedisClusterNodes cluster = c.topology().cluster();
    RedisServer down = null;
    for (int i = 0; i < c.faults(); i++) {
      if (down != null) {
        cluster.restart(
            down); // back as a replica of the new master, so the next kill can fail over
      }
      Nemesis.sleep(c.between(1000, 3000));
      Optional<Op> holder = c.awaitHolder(0, Duration.ofSeconds(3), op -> true);
      String lock = holder.map(Op::lock).orElse(c.workload().locks().get(0));
      down = cluster.masterFor(lock);
      cluster.killMaster(down);
      long start = System.nanoTime(); // so a lease taken before the kill is not counted
      RedisServer promoted =
          cluster.awaitFailover(Timing.scaled(KillMasterNemesis.FAILOVER_TIMEOUT));
      c.record(
          "kill master :"
              + down.port()
              + " of "
              + lock
              + "'s slot"
              + holder.map(h -> " (held by client " + h.client() + ")").orElse("")
              + ", failover to :"
              + promoted.port(),
          FaultRecord.ALL_CLIENTS,
          false,
          start);
    }
  }
}
