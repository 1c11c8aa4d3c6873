package io.redmutex.chaos;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * SIGSTOP and SIGCONT for worker JVMs, through the shell's {@code kill} builtin. (The test kit has
 * the same for Redis processes, package-private to it.)
 */
final class Signals {
  private Signals() {}

  /** Freezes the process: it keeps its sockets but runs nothing, like a long GC pause. */
  static void stop(long pid) {
    send("STOP", pid);
  }

  /** Continues a frozen process. Harmless if it is not frozen or has exited. */
  static void resume(long pid) {
    send("CONT", pid);
  }

  private static void send(String signal, long pid) {
    try {
      Process kill =
          new ProcessBuilder("/bin/sh", "-c", "kill -" + signal + " " + pid + " 2>/dev/null")
              .redirectErrorStream(true)
              .start();
      kill.getOutputStream().close();
      if (!kill.waitFor(10, TimeUnit.SECONDS)) {
        kill.destroyForcibly();
        throw new IllegalStateException("kill -" + signal + " " + pid + " did not finish");
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run kill -" + signal + " " + pid, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted sending SIG" + signal + " to " + pid, e);
    }
  }
}
