package io.redmutex.chaos;

import java.time.Duration;

/**
 * Restarts Redis without persistence (SIGKILL, then start empty) while a lease is held: every lock
 * key and fencing counter vanishes at once, and waiters take the locks on the empty server.
 */
final class RestartNemesis implements Nemesis {

  @Override
  public void run(Context c) throws InterruptedException {
    for (int i = 0; i < c.faults(); i++) {
      Nemesis.sleep(c.between(1000, 2000));
      c.awaitHolder(500, Duration.ofSeconds(5), op -> true);
      long start = System.nanoTime();
      c.topology().server().restart();
      c.record("restart Redis, empty", FaultRecord.ALL_CLIENTS, false, start);
    }
  }
}
