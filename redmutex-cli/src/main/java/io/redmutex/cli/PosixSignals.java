package io.redmutex.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** The signals Java cannot send (SIGSTOP, SIGCONT, SIGINT), sent with the shell's {@code kill}. */
final class PosixSignals {
  private PosixSignals() {}

  /** Freezes the process, like a long GC pause or a suspended VM. */
  static void stop(long pid) {
    send(pid, "STOP");
  }

  /** Thaws a {@linkplain #stop stopped} process. */
  static void resume(long pid) {
    send(pid, "CONT");
  }

  /** SIGINT, as a terminal's Ctrl-C sends it. */
  static void interrupt(long pid) {
    send(pid, "INT");
  }

  private static void send(long pid, String signal) {
    try {
      Process kill =
          new ProcessBuilder("/bin/sh", "-c", "kill -" + signal + " " + pid)
              .redirectErrorStream(true)
              .start();
      kill.getOutputStream().close();
      String output =
          new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (kill.waitFor() != 0) {
        throw new IllegalStateException("kill -" + signal + " " + pid + " failed: " + output);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run kill -" + signal + " " + pid + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted sending SIG" + signal + " to " + pid, e);
    }
  }
}
