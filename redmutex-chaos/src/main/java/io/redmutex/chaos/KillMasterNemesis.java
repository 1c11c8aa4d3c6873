package io.redmutex.chaos;

import io.redmutex.testkit.RedisServer;
import io.redmutex.testkit.SentinelGroup;
import io.redmutex.testkit.Timing;
import java.time.Duration;

/**
 * Kills the Sentinel master (SIGKILL) while a lease is held, and waits for the failover. Between
 * faults, the killed node comes back as a replica. Replication is intact, so a lease's key usually
 * reaches the replicas before the crash: this is the failover that should lose nothing.
 */
final class KillMasterNemesis implements Nemesis {
  static final Duration FAILOVER_TIMEOUT = Duration.ofSeconds(30);

  @Override
  public void run(Context c) throws InterruptedException {
    SentinelGroup group = c.topology().sentinels();
    RedisServer down = null;
    for (int i = 0; i < c.faults(); i++) {
      if (down != null) {
        group.restart(down); // back as a replica of the new master, so the next kill can fail over
      }
      Nemesis.sleep(c.between(1000, 3000));
      c.awaitHolder(0, Duration.ofSeconds(3), op -> true);
      down = group.killMaster(); // asks a Sentinel first, then SIGKILL and waits for the exit
      long start = System.nanoTime(); // so a lease taken before the kill is not counted
      RedisServer promoted = group.awaitFailover(Timing.scaled(FAILOVER_TIMEOUT));
      c.record(
          "kill master :" + down.port() + ", failover to :" + promoted.port(),
          FaultRecord.ALL_CLIENTS,
          false,
          start);
    }
  }
}
