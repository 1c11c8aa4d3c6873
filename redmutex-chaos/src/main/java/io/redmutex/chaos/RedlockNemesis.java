package io.redmutex.chaos;

import io.redmutex.testkit.RedisServer;
import io.redmutex.testkit.TcpProxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The faults Redlock is meant to survive, in turn: a worker JVM frozen mid-update for longer than
 * its lease (SIGSTOP, as in {@link PauseProcessNemesis}); a minority of masters killed and
 * restarted without persistence after one lease time (the Redlock paper's restart delay, which
 * keeps a restarted master from granting a lock a majority still holds); a minority of masters
 * partitioned from every client (reset or blackhole) for two to three lease times. The first fault
 * is always a pause, so that every run gives the unfenced register its chance to be damaged.
 */
final class RedlockNemesis implements Nemesis {

  @Override
  public void run(Context c) throws InterruptedException {
    long lease = c.workload().leaseTime().toMillis();
    int masters = c.topology().redlock().size();
    for (int i = 0; i < c.faults(); i++) {
      Nemesis.sleep(c.between(500, 1500));
      switch (i % 3) {
        case 0 -> PauseProcessNemesis.pauseOneWorker(c);
        case 1 -> killAndRestart(c, lease, minority(c, masters));
        default -> partition(c, lease, minority(c, masters));
      }
    }
  }

  /** One to (n − 1) / 2 masters, seeded. */
  private static List<Integer> minority(Context c, int masters) {
    List<Integer> all = new ArrayList<>();
    for (int m = 0; m < masters; m++) {
      all.add(m);
    }
    Collections.shuffle(all, c.random());
    return all.subList(0, 1 + c.random().nextInt((masters - 1) / 2));
  }

  private static void killAndRestart(Context c, long lease, List<Integer> victims)
      throws InterruptedException {
    c.awaitHolder(100, Duration.ofSeconds(5), op -> true);
    long start = System.nanoTime();
    for (int m : victims) {
      c.topology().redlock().get(m).kill();
    }
    Nemesis.sleep(lease); // the restart delay: every key the dead masters had has expired
    for (int m : victims) {
      RedisServer master = c.topology().redlock().get(m);
      master.restart();
    }
    c.record(
        "kill masters " + victims + ", restart them empty after " + lease + " ms",
        FaultRecord.ALL_CLIENTS,
        false,
        start);
  }

  private static void partition(Context c, long lease, List<Integer> victims)
      throws InterruptedException {
    c.awaitHolder(50, Duration.ofSeconds(5), op -> true);
    TcpProxy.Mode mode = c.random().nextBoolean() ? TcpProxy.Mode.RESET : TcpProxy.Mode.BLACKHOLE;
    long millis = c.between(lease * 2, lease * 3);
    long start = System.nanoTime();
    for (int m : victims) {
      c.topology().masterProxy(m).partition(mode);
    }
    try {
      Nemesis.sleep(millis);
    } finally {
      for (int m : victims) {
        c.topology().masterProxy(m).heal();
      }
    }
    c.record(
        "partition masters " + victims + " from every client (" + mode + ") for " + millis + " ms",
        FaultRecord.ALL_CLIENTS,
        false,
        start);
  }
}
