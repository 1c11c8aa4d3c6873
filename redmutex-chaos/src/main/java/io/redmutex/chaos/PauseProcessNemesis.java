package io.redmutex.chaos;

import java.time.Duration;
import java.util.Optional;

/**
 * Freezes a worker JVM (SIGSTOP) in the middle of its update, for longer than the lease, then lets
 * it go on (SIGCONT): the GC pause of Kleppmann's argument. The lease expires in Redis, another
 * client takes the lock, and the frozen one wakes up and writes what it read before.
 */
final class PauseProcessNemesis implements Nemesis {

  @Override
  public void run(Context c) throws InterruptedException {
    if (!c.clients().separateProcesses()) {
      throw new IllegalStateException("pausing a client needs clients in worker JVMs");
    }
    for (int i = 0; i < c.faults(); i++) {
      Nemesis.sleep(c.between(500, 1500));
      pauseOneWorker(c);
    }
  }

  /**
   * SIGSTOPs a worker JVM, one holding a lock now when there is one, for 2.5-3 lease times, then
   * SIGCONTs it; recorded as a fault.
   */
  static void pauseOneWorker(Context c) throws InterruptedException {
    long lease = c.workload().leaseTime().toMillis();
    Optional<Op> victim = c.awaitHolder(100, Duration.ofSeconds(10), op -> true);
    int client = victim.map(Op::client).orElse(c.random().nextInt(c.clients().count()));
    long pid = c.clients().pid(client);
    long pauseMillis = c.between(lease * 5 / 2, lease * 3);
    long start = System.nanoTime();
    Signals.stop(pid);
    try {
      Nemesis.sleep(pauseMillis);
    } finally {
      Signals.resume(pid);
    }
    c.record(
        "SIGSTOP worker "
            + client
            + (victim.isPresent() ? " mid-update (token " + victim.get().token() + ")" : "")
            + " for "
            + pauseMillis
            + " ms",
        client,
        true,
        start);
  }
}
