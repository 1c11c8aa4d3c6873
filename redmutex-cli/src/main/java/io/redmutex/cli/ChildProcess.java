package io.redmutex.cli;

import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The command {@code run} supervises: started with the terminal's stdin/stdout/stderr and extra
 * environment variables; stopped like systemd stops a service (SIGTERM to it and its descendants,
 * then SIGKILL to the survivors after a grace period).
 */
final class ChildProcess {
  private final Process process;
  private final AtomicBoolean terminating = new AtomicBoolean();
  private final CountDownLatch terminated = new CountDownLatch(1);
  private volatile String signalsSent = "";

  private ChildProcess(Process process) {
    this.process = process;
  }

  /** Why a command could not be started, with the exit status a shell would give. */
  static final class CannotStart extends Exception {
    private static final long serialVersionUID = 1L;
    private final int exitStatus;

    CannotStart(String message, int exitStatus) {
      super(message);
      this.exitStatus = exitStatus;
    }

    int exitStatus() {
      return exitStatus;
    }
  }

  /**
   * Starts {@code command} with {@code environment} added to ours.
   *
   * @throws CannotStart if it is not found (127) or cannot be executed (126)
   */
  static ChildProcess start(List<String> command, Map<String, String> environment)
      throws CannotStart {
    ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
    builder.environment().putAll(environment);
    try {
      return new ChildProcess(builder.start());
    } catch (IOException e) {
      String message = String.valueOf(e.getMessage());
      // "Cannot run program "x": error=2, No such file or directory"
      int comma = message.lastIndexOf(", ");
      String why = comma < 0 ? message : message.substring(comma + 2);
      int status = message.contains("error=2,") ? ExitCodes.NOT_FOUND : ExitCodes.CANNOT_EXECUTE;
      throw new CannotStart("cannot run '" + command.get(0) + "': " + why, status);
    }
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** SIGINT to the command and its descendants, as a terminal sends it to its foreground group. */
  void interrupt() {
    Set<ProcessHandle> tree = new LinkedHashSet<>();
    tree.add(process.toHandle());
    process.descendants().forEach(tree::add);
    for (ProcessHandle p : tree) {
      if (p.isAlive()) {
        try {
          PosixSignals.interrupt(p.pid());
        } catch (IllegalStateException exited) {
          // exited meanwhile
        }
      }
    }
  }

  /**
   * Waits for the command to exit and returns its status ({@code 128 + N} if signal N killed it).
   * Not interruptible: the command's status is the answer {@code run} must give.
   */
  int waitFor() {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return process.waitFor();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Stops the command (see the class comment) on a new thread, without waiting. */
  void terminateInBackground(Duration grace) {
    Thread thread = new Thread(() -> terminate(grace), "redmutex-terminate-" + pid());
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * SIGTERM to the command and its descendants, SIGKILL to those alive after {@code grace}; returns
   * once the command has exited. Only the first call signals; later ones wait for it to finish.
   */
  void terminate(Duration grace) {
    if (terminating.compareAndSet(false, true)) {
      try {
        if (process.isAlive()) {
          Set<ProcessHandle> tree = new LinkedHashSet<>();
          tree.add(process.toHandle());
          process.descendants().forEach(tree::add);
          signalsSent = "SIGTERM";
          tree.forEach(ProcessHandle::destroy);
          if (!awaitExit(grace)) {
            process.descendants().forEach(tree::add);
            signalsSent = "SIGTERM, then SIGKILL after " + HumanDurations.format(grace);
            tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
          }
        }
      } finally {
        terminated.countDown();
      }
    } else {
      awaitTerminated();
    }
    waitFor();
  }

  private void awaitTerminated() {
    boolean interrupted = false;
    while (true) {
      try {
        terminated.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** What {@link #terminate} sent: empty, {@code SIGTERM}, or {@code SIGTERM, then SIGKILL...}. */
  String signalsSent() {
    return signalsSent;
  }

  private boolean awaitExit(Duration timeout) {
    try {
      return process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
