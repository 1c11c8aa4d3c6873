package io.redmutex.internal;

import io.redmutex.LockException;
import io.redmutex.RedisUnavailableException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Where a caller's thread waits: for an acquisition's outcome (with its deadline and interrupts),
 * for one command, and for an idempotent command retried while Redis is unreachable. Every wait
 * recomputes the time left on each turn and keeps (or restores) the interrupt flag; nothing else in
 * the engine blocks.
 */
final class Waiting {
  private final LockDriver driver;
  private final NanoClock clock;
  private final Duration commandTimeout;

  Waiting(LockDriver driver, NanoClock clock, Duration commandTimeout) {
    this.driver = driver;
    this.clock = clock;
    this.commandTimeout = commandTimeout;
  }

  /**
   * Waits for the outcome. On interrupt, an interruptible wait gives up (releasing a take in doubt)
   * and throws; an uninterruptible one keeps waiting and sets the interrupt flag again at the end.
   */
  <L> L awaitLease(Acquisition<L> acquisition, boolean interruptible) throws InterruptedException {
    Deadline deadline = acquisition.deadline();
    // A zero wait tries once: its one take may take up to the command timeout to answer.
    long tryOnceNanos = deadline.budget().isZero() ? commandTimeout.toNanos() * 2 : 0;
    boolean interrupted = false;
    try {
      while (true) {
        try {
          if (!deadline.isFinite()) {
            return acquisition.result().get();
          }
          long wait = Math.max(deadline.remainingNanos(), tryOnceNanos - deadline.elapsedNanos());
          return acquisition.result().get(Math.max(0, wait), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
          acquisition.expire(); // completes the result; the next turn returns or throws it
        } catch (InterruptedException e) {
          if (interruptible) {
            acquisition.cancel(
                new LockException("interrupted while waiting for " + acquisition.describe()));
            throw e;
          }
          interrupted = true;
        } catch (ExecutionException e) {
          throw rethrow(e);
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static RuntimeException rethrow(ExecutionException e) {
    Throwable cause = Failures.unwrap(e);
    if (cause instanceof RuntimeException runtime) {
      return runtime; // a LockException, or a refusal such as a semaphore's other number of permits
    }
    return new LockException("unexpected failure: " + cause, cause);
  }

  /**
   * Compare-and-delete, retried while Redis is unreachable. True when the key was deleted, or when
   * an earlier try's outcome was unknown (it may have deleted it: its reply was lost) and a later
   * one finds the key no longer holds the token: that is not a loss (issue 9, finding 3).
   */
  boolean awaitRelease(LockKeys keys, String token, long lastFencingToken) {
    boolean[] inDoubt = {false};
    boolean deleted =
        awaitRetrying(
            () -> driver.release(keys, token, lastFencingToken),
            "release",
            keys.name(),
            () -> inDoubt[0] = true);
    return deleted || inDoubt[0];
  }

  /**
   * Runs an idempotent command (a compare-and-delete, a compare-and-extend) and waits for it,
   * trying again while Redis is unreachable, for up to twice the command timeout: right after a
   * failover the first try may still go to the old master. Interrupts do not stop it (giving back
   * matters more); the flag is kept.
   */
  <T> T awaitRetrying(Supplier<CompletableFuture<T>> command, String operation, String name) {
    return awaitRetrying(command, operation, name, () -> {});
  }

  private <T> T awaitRetrying(
      Supplier<CompletableFuture<T>> command, String operation, String name, Runnable failedTry) {
    long budget = commandTimeout.toNanos() * 2;
    long start = clock.nanoTime();
    long backoffMillis = 20;
    while (true) {
      try {
        return awaitCommand(command.get(), operation, name);
      } catch (RedisUnavailableException e) {
        failedTry.run();
        if (clock.nanoTime() - start + TimeUnit.MILLISECONDS.toNanos(backoffMillis) > budget) {
          throw e;
        }
        sleepUninterruptibly(backoffMillis);
        backoffMillis = Math.min(backoffMillis * 2, 250);
      }
    }
  }

  /** Sleeps the whole time even if interrupted; the interrupt flag is set again afterwards. */
  private static void sleepUninterruptibly(long millis) {
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    boolean interrupted = Thread.interrupted();
    try {
      while (true) {
        long left = end - System.nanoTime();
        if (left <= 0) {
          return;
        }
        try {
          TimeUnit.NANOSECONDS.sleep(left);
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

  /**
   * Waits for one command, uninterruptibly (it is bounded by the command timeout) and keeps the
   * interrupt flag.
   */
  <T> T awaitCommand(CompletableFuture<T> command, String operation, String name) {
    long limit = commandTimeout.toNanos() * 2 + TimeUnit.SECONDS.toNanos(1);
    long start = clock.nanoTime();
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return command.get(Math.max(0, limit - (clock.nanoTime() - start)), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (ExecutionException | TimeoutException e) {
          Throwable cause = Failures.unwrap(e);
          if (cause instanceof LockException lockException) {
            throw lockException;
          }
          throw new RedisUnavailableException(
              "cannot "
                  + operation
                  + " lock '"
                  + name
                  + "': Redis at "
                  + driver.describe()
                  + " did not answer ("
                  + Failures.rootMessage(cause)
                  + "); the key expires on its own within the lease time",
              cause);
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
