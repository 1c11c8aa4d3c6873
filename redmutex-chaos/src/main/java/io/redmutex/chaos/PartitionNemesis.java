package io.redmutex.chaos;

import io.redmutex.testkit.TcpProxy;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Cuts one client off from Redis through its {@link TcpProxy} (in a cluster: its proxies to every
 * node) for two to three lease times, by reset or blackhole (seeded), then heals. Strikes a holder
 * in the middle of its update when there is one: it can neither renew nor release until the heal.
 */
final class PartitionNemesis implements Nemesis {

  @Override
  public void run(Context c) throws InterruptedException {
    long lease = c.workload().leaseTime().toMillis();
    for (int i = 0; i < c.faults(); i++) {
      Nemesis.sleep(c.between(500, 1500));
      Optional<Op> victim = c.awaitHolder(50, Duration.ofSeconds(5), op -> true);
      int client = victim.map(Op::client).orElse(c.random().nextInt(c.clients().count()));
      TcpProxy.Mode mode = c.random().nextBoolean() ? TcpProxy.Mode.RESET : TcpProxy.Mode.BLACKHOLE;
      long millis = c.between(lease * 2, lease * 3);
      List<TcpProxy> proxies = c.topology().proxies(client); // one, or one per cluster node
      long start = System.nanoTime();
      try {
        for (TcpProxy proxy : proxies) {
          proxy.partition(mode);
        }
        Nemesis.sleep(millis);
      } finally {
        proxies.forEach(TcpProxy::heal);
      }
      c.record(
          "partition client " + client + " (" + mode + ") for " + millis + " ms",
          client,
          false,
          start);
    }
  }
}
