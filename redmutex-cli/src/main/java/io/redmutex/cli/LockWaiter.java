package io.redmutex.cli;

import io.redmutex.Lease;
import io.redmutex.LockException;
import io.redmutex.LockInfo;
import io.redmutex.LockInterruptedException;
import io.redmutex.RedMutex;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Takes a lock for {@code run}, waiting up to {@code --wait}. At a terminal it keeps one live line
 * on stderr while it waits: who holds the lock, how long that lease has left, time waited.
 */
final class LockWaiter {
  private static final long REDRAW_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
  private static final long INSPECT_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final RedMutex mutex;
  private final String name;
  private final LiveLine line;

  LockWaiter(RedMutex mutex, String name, LiveLine line) {
    this.mutex = mutex;
    this.name = name;
    this.line = line;
  }

  /**
   * Takes the lock.
   *
   * @param wait how long to wait; null waits without bound
   * @throws io.redmutex.LockTimeoutException if it stayed busy for the whole wait
   */
  Lease acquire(Duration wait) {
    Duration timeout = wait == null ? RedMutex.MAX_WAIT_TIMEOUT : wait;
    if (!line.enabled() || timeout.isZero()) {
      return mutex.acquire(name, timeout);
    }
    long start = System.nanoTime();
    CompletableFuture<Lease> lease = mutex.acquireAsync(name, timeout);
    LockInfo holder = null;
    long inspectedAt = start - INSPECT_NANOS;
    try {
      while (true) {
        try {
          return lease.get(REDRAW_NANOS, TimeUnit.NANOSECONDS);
        } catch (TimeoutException stillWaiting) {
          long now = System.nanoTime();
          if (now - inspectedAt >= INSPECT_NANOS) {
            holder = inspectQuietly();
            inspectedAt = now;
          }
          line.show(waitingLine(holder, Duration.ofNanos(now - start), wait));
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
