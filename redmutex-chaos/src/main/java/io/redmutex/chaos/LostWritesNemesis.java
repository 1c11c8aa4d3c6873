package io.redmutex.chaos;

import io.redmutex.testkit.RedisServer;
import io.redmutex.testkit.SentinelGroup;
import io.redmutex.testkit.Timing;
import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * The failover that loses writes: cut replication (replicas frozen, their links killed), wait for a
 * lease taken after the cut whose holder is in the middle of a long update, kill the master, resume
 * the replicas, and let the Sentinels promote one that never saw that lease. Its holder keeps
 * believing it holds the lock while another client takes it on the new master.
 */
final class LostWritesNemesis implements Nemesis {
  private static final long IN_FLIGHT_NANOS = Duration.ofMillis(50).toNanos();

  private final long minVictimHoldMillis;
  private final Duration victimWait;

  /**
   * @param minVictimHoldMillis how long the victim must still be about to work (it must outlast the
   *     failover for its stale write to land after the next holder's)
   * @param victimWait how long to wait for such a victim before killing the master anyway
   */
  LostWritesNemesis(long minVictimHoldMillis, Duration victimWait) {
    this.minVictimHoldMillis = minVictimHoldMillis;
    this.victimWait = victimWait;
  }

  @Override
  public void run(Context c) throws InterruptedException {
    SentinelGroup group = c.topology().sentinels();
    RedisServer down = null;
    for (int i = 0; i < c.faults(); i++) {
      if (down != null) {
        group.restart(down);
      }
      Nemesis.sleep(c.between(1000, 2000));
      int from = c.history().size();
      long start;
      Optional<Op> victim;
      group.cutReplication();
      try {
        long cut = System.nanoTime();
        // A lease whose take surely ran after the cut: invoked after it, or answered well after.
        Set<String> onMasterOnly = new HashSet<>();
        victim =
            c.history()
                .await(
                    from,
                    op -> {
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
        down = group.killMaster();
        start = System.nanoTime();
      } finally {
        group.resumeReplicas();
      }
      RedisServer promoted = group.awaitFailover(Timing.scaled(KillMasterNemesis.FAILOVER_TIMEOUT));
      c.record(
          "cut replication, "
              + victim
                  .map(v -> "client " + v.client() + " took token " + v.token())
                  .orElse("no lease taken")
              + ", kill master :"
              + down.port()
              + ", failover to :"
              + promoted.port(),
          FaultRecord.ALL_CLIENTS,
          false,
          start);
    }
  }
}
