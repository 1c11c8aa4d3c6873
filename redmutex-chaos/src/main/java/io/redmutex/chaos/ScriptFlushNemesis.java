package io.redmutex.chaos;

/**
 * Under load, flushes Redis's script cache ({@code SCRIPT FLUSH}: the next {@code EVALSHA} gets
 * {@code NOSCRIPT}) or kills the clients' connections ({@code CLIENT KILL TYPE normal|pubsub}:
 * commands in flight end with their outcome unknown), at seeded intervals.
 */
final class ScriptFlushNemesis implements Nemesis {
  private static final String[][] FAULTS = {
    {"SCRIPT", "FLUSH"}, {"CLIENT", "KILL", "TYPE", "normal"}, {"CLIENT", "KILL", "TYPE", "pubsub"}
  };

  @Override
  public void run(Context c) throws InterruptedException {
    for (int i = 0; i < c.faults(); i++) {
      Nemesis.sleep(c.between(200, 800));
      String[] fault = FAULTS[c.random().nextInt(FAULTS.length)];
      long start = System.nanoTime();
      c.topology().server().command(fault);
      c.record(String.join(" ", fault), FaultRecord.ALL_CLIENTS, false, start);
    }
  }
}
