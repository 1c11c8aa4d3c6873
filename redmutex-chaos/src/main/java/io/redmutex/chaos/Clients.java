package io.redmutex.chaos;

import java.time.Duration;

/**
 * The clients of one run, on threads of the harness or in worker JVMs; each has its own {@link
 * io.redmutex.RedMutex} and its own register connection, and sends its events to the run's {@link
 * History}.
 */
interface Clients extends AutoCloseable {

  /** How many clients there are; ids are 0 to count - 1. */
  int count();

  /** The process id of client {@code client}'s JVM. */
  long pid(int client);

  /** Whether each client runs in a JVM of its own (so that the process can be paused). */
  boolean separateProcesses();

  /**
   * Asks every client to stop after its current lease, and waits at most {@code timeout} in all.
   *
   * @return how many clients had not stopped by then (a liveness violation)
   */
  int stop(Duration timeout) throws InterruptedException;

  /** Ends every client still running, forcibly if need be. */
  @Override
  void close();
}
