package io.redmutex.cli;

import io.redmutex.Lease;
import io.redmutex.LockException;
import io.redmutex.LockInfo;
import io.redmutex.LockInterruptedException;
import io.redmutex.RedMutex;
import java.io.PrintStream;
import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Takes a lock for {@code run}, waiting up to {@code --wait}. At a terminal it keeps one live line
 * on stderr while it waits: who holds the lock, how long that lease has left, time waited.
 * Elsewhere (a CronJob's log, a pipe) it prints one line when the wait starts and one every {@value
 * #LOG_EVERY_SECONDS} seconds while it goes on, so that a job stuck behind a lock says so.
 */
final class LockWaiter {
  static final int LOG_EVERY_SECONDS = 30;

  private static final long REDRAW_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
  private static final long INSPECT_NANOS = TimeUnit.SECONDS.toNanos(1);
  private static final long LOG_EVERY_NANOS = TimeUnit.SECONDS.toNanos(LOG_EVERY_SECONDS);

  private final RedMutex mutex;
  private final String name;
  private final LiveLine line;
  private final PrintStream log;

  LockWaiter(RedMutex mutex, String name, LiveLine line, PrintStream log) {
    this.mutex = mutex;
    this.name = name;
    this.line = line;
    this.log = log;
  }

  /**
   * Takes the lock.
   *
   * @param wait how long to wait; null waits without bound
   * @throws io.redmutex.LockTimeoutException if it stayed busy for the whole wait
   */
  Lease acquire(Duration wait) {
    Duration timeout = wait == null ? RedMutex.MAX_WAIT_TIMEOUT : wait;
    if (timeout.isZero()) {
      return mutex.acquire(name, timeout);
    }
    long start = System.nanoTime();
    CompletableFuture<Lease> lease = mutex.acquireAsync(name, timeout);
    LockInfo holder = null;
    long inspectedAt = start - INSPECT_NANOS;
    long loggedAt = 0;
    boolean logged = false;
    try {
      while (true) {
        try {
          return lease.get(REDRAW_NANOS, TimeUnit.NANOSECONDS);
        } catch (TimeoutException stillWaiting) {
          long now = System.nanoTime();
          Duration waited = Duration.ofNanos(now - start);
          if (now - inspectedAt >= INSPECT_NANOS) {
            holder = othersHold(inspectQuietly());
            inspectedAt = now;
          }
          if (line.enabled()) {
            line.show(waitingLine(holder, waited, wait));
          } else if (holder != null && (!logged || now - loggedAt >= LOG_EVERY_NANOS)) {
            log.println(logLine(holder, waited, wait, !logged));
            log.flush();
            logged = true;
            loggedAt = now;
          }
        }
      }
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof LockException lockException) {
        throw lockException;
      }
      throw new LockException("waiting for lock '" + name + "' failed: " + cause, cause);
    } catch (InterruptedException e) {
      lease.cancel(true);
      Thread.currentThread().interrupt();
      throw new LockInterruptedException("interrupted while waiting for lock '" + name + "'", e);
    } finally {
      line.clear();
    }
  }

  private String waitingLine(LockInfo holder, Duration waited, Duration wait) {
    StringBuilder text = new StringBuilder("redmutex: waiting for lock '").append(name).append("'");
    if (holder != null && holder.held()) {
      text.append(", held by ").append(holder.holder().orElse("a non-redmutex client"));
      holder.remaining().ifPresent(r -> text.append(", ").append(HumanDurations.format(r)));
      text.append(holder.remaining().isPresent() ? " left" : "");
    }
    text.append(" | waited ").append(HumanDurations.format(waited));
    if (wait != null) {
      text.append(" of ").append(HumanDurations.format(wait));
    }
    return text.toString();
  }

  /** A line for a log: "waiting for X, held by Y since Z, TTL T", then the time waited so far. */
  private String logLine(LockInfo holder, Duration waited, Duration wait, boolean first) {
    StringBuilder text = new StringBuilder("redmutex: ");
    text.append(first ? "waiting for lock '" : "still waiting for lock '").append(name).append("'");
    if (holder != null && holder.held()) {
      text.append(", held by ").append(holder.holder().orElse("a non-redmutex client"));
      holder
          .since()
          .ifPresent(
              s ->
                  text.append(" since ")
                      .append(
                          DateTimeFormatter.ISO_INSTANT.format(s.truncatedTo(ChronoUnit.SECONDS))));
      holder.remaining().ifPresent(r -> text.append(", TTL ").append(HumanDurations.format(r)));
    }
    if (!first) {
      text.append("; waited ").append(HumanDurations.format(waited));
    }
    text.append(
        wait == null ? " (--wait forever)" : " (--wait " + HumanDurations.format(wait) + ")");
    return text.toString();
  }

  /**
   * {@code info} if another client holds the lock, else null: on a slow machine or network the take
   * can land before its answer comes back, and the holder Redis names is then this very process,
   * which is not worth a "waiting for" line.
   */
  private static LockInfo othersHold(LockInfo info) {
    if (info == null || !info.held()) {
      return null;
    }
    return info.holder().filter(h -> h.equals(THIS_PROCESS)).isPresent() ? null : info;
  }

  /** This process as the library records a holder: {@code redmutex-run on HOST pid N}. */
  private static final String THIS_PROCESS = thisProcess();

  private static String thisProcess() {
    String host = System.getenv("HOSTNAME");
    if (host == null || host.isBlank()) {
      try {
        host = java.net.InetAddress.getLocalHost().getHostName();
      } catch (java.io.IOException e) {
        host = "unknown-host";
      }
    }
    return RunCommand.CLIENT_NAME + " on " + host + " pid " + ProcessHandle.current().pid();
  }

  /** One line saying why the lock could not be had, with its holder if Redis still says. */
  String busyMessage(Duration wait) {
    LockInfo info = inspectQuietly();
    StringBuilder text = new StringBuilder("lock '").append(name).append("' is busy");
    if (info != null && info.held()) {
      text.append(": held by ").append(info.holder().orElse("a non-redmutex client"));
      info.remaining().ifPresent(r -> text.append(", ").append(HumanDurations.format(r)));
      text.append(info.remaining().isPresent() ? " left" : "");
      if (info.fencingToken() > 0) {
        text.append(", fencing token ").append(info.fencingToken());
      }
    }
    text.append(
        wait.isZero()
            ? "; not waiting (--wait 0s)"
            : "; gave up after " + HumanDurations.format(wait) + " (--wait)");
    return text.toString();
  }

  private LockInfo inspectQuietly() {
    try {
      return mutex.inspect(name);
    } catch (LockException e) {
      return null; // the live line and the message are extras; the acquire reports real trouble
    }
  }
}
