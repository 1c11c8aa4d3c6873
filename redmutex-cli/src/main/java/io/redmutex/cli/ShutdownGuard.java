package io.redmutex.cli;

import io.redmutex.RedMutex;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What {@code run} does when it gets SIGTERM or SIGHUP (or SIGINT before the command runs): the JVM
 * runs this hook, which stops the command (SIGTERM, SIGKILL after the grace period, said on
 * stderr), waits for it, and closes the client, which gives the lock back. The JVM then exits with
 * 128 + the signal number (143, 129, 130). SIGINT while the command runs is the command's: see
 * {@link #onInterrupt}.
 *
 * <p>A JVM shutdown hook rather than a signal handler: Java has no supported API for signals, and
 * the hook sees every way the JVM is asked to stop. It does not see SIGKILL; then the lock expires
 * after its lease time, and the command keeps running (in a container, it dies with PID 1).
 *
 * <p>The client is closed exactly once, by {@link #closeClient()}, from the main thread or the
 * hook, and the other waits for it: the JVM halts as soon as the hook returns, so a hook that
 * returned while the main thread was still releasing would cut the release off.
 */
final class ShutdownGuard {
  private final RedMutex mutex;
  private final String lockName;
  private final Duration grace;
  private final PrintStream err;
  private final AtomicBoolean disarmed = new AtomicBoolean();
  private final AtomicBoolean closing = new AtomicBoolean();
  private final CountDownLatch closed = new CountDownLatch(1);
  private final Thread hook;
  private volatile ChildProcess child;
  private volatile boolean signalled;

  private ShutdownGuard(RedMutex mutex, String lockName, Duration grace, PrintStream err) {
    this.mutex = mutex;
    this.lockName = lockName;
    this.grace = grace;
    this.err = err;
    this.hook = new Thread(this::onShutdown, "redmutex-shutdown");
  }

  static ShutdownGuard install(RedMutex mutex, String lockName, Duration grace) {
    ShutdownGuard guard = new ShutdownGuard(mutex, lockName, grace, System.err);
    Runtime.getRuntime().addShutdownHook(guard.hook);
    InterruptSignal.handle(guard::onInterrupt);
    return guard;
  }

  /**
   * SIGINT, like flock(1): while the command runs, the interrupt is the command's to handle (psql
   * cancels its query and goes on): at a terminal, Ctrl-C has reached it already, as the terminal
   * signals its whole foreground group; elsewhere ({@code kill -INT}) it is passed on. redmutex
   * keeps the lock until the command exits. Before the command runs, SIGINT stops redmutex (130).
   */
  private void onInterrupt() {
    ChildProcess command = child;
    if (command != null && command.isAlive()) {
      if (!LiveLine.isInteractive()) {
        command.interrupt();
      }
      return;
    }
    System.exit(128 + 2); // as Java's default: the shutdown hook releases what is held
  }

  /** The command to stop if a signal comes. */
  void watch(ChildProcess command) {
    this.child = command;
  }

  /** Whether the JVM is stopping because of a signal: then nothing else should be reported. */
  boolean signalled() {
    return signalled;
  }

  /** Called on the normal path, before redmutex exits by itself. */
  void disarm() {
    if (disarmed.compareAndSet(false, true)) {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running or has run: it owns the ending
      }
    }
  }

  private void onShutdown() {
    // Disarmed, yet running: the command had already exited and the main thread is finishing up
    // when the signal came. Only wait for its close, below.
    if (!disarmed.get()) {
      signalled = true;
      ChildProcess command = child;
      if (command != null) {
        err.println(
            "redmutex: stopping: sending SIGTERM to the command (pid "
                + command.pid()
                + "), then releasing lock '"
                + lockName
                + "'");
        command.terminate(grace);
        if (command.signalsSent().contains("SIGKILL")) {
          err.println(
              "redmutex: the command (pid "
                  + command.pid()
                  + ") did not exit within --grace "
                  + HumanDurations.format(grace)
                  + " of SIGTERM: sent SIGKILL");
        }
      }
    }
    closeClient();
  }

  /**
   * Closes the client, which releases a held lease; if the other thread is closing it, waits (up to
   * the client's command timeout, and a little) until it has.
   */
  void closeClient() {
    if (closing.compareAndSet(false, true)) {
      try {
        mutex.close();
      } finally {
        closed.countDown();
      }
      return;
    }
    try {
      closed.await(RedMutex.DEFAULT_COMMAND_TIMEOUT.toMillis() + 1_000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
