package io.redmutex.internal;

import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where user code runs: {@code onLost} callbacks and {@link io.redmutex.LockListener} events, on
 * one thread of the client's own, in the order they happened. Never on a Lettuce I/O thread (shared
 * by every client in the JVM) nor on the renewer's thread: a slow callback, or a {@code release()}
 * inside {@code onLost}, delays other callbacks of this client, never a renewal or a reply.
 */
final class Callbacks {
  private static final Logger log = LoggerFactory.getLogger(Callbacks.class);

  private final Executor executor;

  /** On the given executor (tests run it by hand). */
  Callbacks(Executor executor) {
    this.executor = executor;
  }

  Callbacks(int clientNumber) {
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            1,
            1,
            10,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "redmutex-callbacks-" + clientNumber);
              t.setDaemon(true);
              return t;
            });
    pool.allowCoreThreadTimeOut(true); // no thread while nothing happens
    this.executor = pool;
  }

  /** Runs {@code callback} on the callback thread; an exception is logged and ignored. */
  void run(String what, Runnable callback) {
    Runnable guarded =
        () -> {
          try {
            callback.run();
          } catch (RuntimeException e) {
            log.warn("redmutex: {} threw; ignored", what, e);
          }
        };
    try {
      executor.execute(guarded);
    } catch (RejectedExecutionException closed) {
      guarded.run(); // the client is closing: tell it on the closing thread rather than not at all
    }
  }

  /** Lets queued callbacks finish (for up to {@code millis}), then stops the thread. */
  void close(long millis) {
    if (executor instanceof ExecutorService service) {
      service.shutdown();
      try {
        service.awaitTermination(millis, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
