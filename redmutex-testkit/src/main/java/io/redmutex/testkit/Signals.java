package io.redmutex.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * POSIX signals that Java's {@link Process} cannot send (SIGSTOP, SIGCONT), sent through {@code
 * kill(1)}, and a wait for them to take effect where {@code /proc} shows it.
 */
final class Signals {

  private Signals() {}

  /** Stops the process, and waits until it is stopped where {@code /proc} can tell. */
  static void stop(long pid) {
    send(pid, "STOP");
    awaitStopped(pid, true);
  }

  /** Continues a stopped process, and waits until it is no longer stopped. */
  static void resume(long pid) {
    send(pid, "CONT");
    awaitStopped(pid, false);
  }

  private static void send(long pid, String signal) {
    // The shell builtin is always there; /usr/bin/kill (procps) may not be.
    ProcessBuilder builder =
        new ProcessBuilder("/bin/sh", "-c", "kill -" + signal + " " + pid)
            .redirectErrorStream(true);
    try {
      Process kill = builder.start();
      kill.getOutputStream().close();
      int exit = kill.waitFor();
      if (exit != 0) {
        String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        throw new IllegalStateException(
            "kill -" + signal + " " + pid + " exited with " + exit + ": " + output.strip());
      }
    } catch (IOException e) {
      throw new IllegalStateException("Cannot run kill -" + signal + " " + pid, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while sending SIG" + signal + " to " + pid, e);
    }
  }

  private static void awaitStopped(long pid, boolean stopped) {
    Path stat = Path.of("/proc", Long.toString(pid), "stat");
    if (!Files.exists(Path.of("/proc/self/stat"))) {
      return; // no procfs (macOS): the signal is delivered, we just cannot watch it land
    }
    Polling.await(
        Duration.ofSeconds(5),
        () -> {
          try {
            String line = Files.readString(stat, StandardCharsets.UTF_8);
            // "pid (comm) S ...": the state follows the last ')', since comm may hold one.
            char state = line.charAt(line.lastIndexOf(')') + 2);
            return (state == 'T') == stopped;
          } catch (NoSuchFileException e) {
            return true; // the process is gone: nothing left to wait for
          }
        },
        () -> "process " + pid + (stopped ? " to stop" : " to continue"));
  }
}
