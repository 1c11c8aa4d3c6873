package io.redmutex;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the listener's {@link LockListener#acquireStarting} on the calling thread, then the {@link
 * LockListener.Acquisition} it returned of the outcome, around {@link RedMutex}'s three acquire
 * methods. What the listener throws is logged and ignored: it never changes an acquire's outcome.
 */
final class AcquireEvents {
  private static final Logger log = LoggerFactory.getLogger(AcquireEvents.class);

  private final LockListener listener;

  AcquireEvents(LockListener listener) {
    this.listener = listener;
  }

  Lease acquire(String name, Supplier<Lease> acquire) {
    LockListener.Acquisition acquisition = start(name);
    Lease lease;
    try {
      lease = acquire.get();
    } catch (RuntimeException | Error e) {
      tell(acquisition, a -> a.failed(e));
      throw e;
    }
    tell(acquisition, a -> a.acquired(lease));
    return lease;
  }

  Optional<Lease> tryAcquire(String name, Supplier<Optional<Lease>> tryAcquire) {
    LockListener.Acquisition acquisition = start(name);
    Optional<Lease> lease;
    try {
      lease = tryAcquire.get();
    } catch (RuntimeException | Error e) {
      tell(acquisition, a -> a.failed(e));
      throw e;
    }
    if (lease.isPresent()) {
      tell(acquisition, a -> a.acquired(lease.get()));
    } else {
      tell(acquisition, LockListener.Acquisition::busy);
    }
    return lease;
  }

  CompletableFuture<Lease> acquireAsync(
      String name, Supplier<CompletableFuture<Lease>> acquireAsync) {
    LockListener.Acquisition acquisition = start(name);
    CompletableFuture<Lease> future;
    try {
      future = acquireAsync.get();
    } catch (RuntimeException | Error e) {
      tell(acquisition, a -> a.failed(e));
      throw e;
    }
    if (acquisition != LockListener.Acquisition.NONE) {
      // The caller gets the engine's own future (so that cancelling it stops the wait); this
      // dependent only reports.
      future.whenComplete(
          (lease, error) -> {
            if (error == null) {
              tell(acquisition, a -> a.acquired(lease));
            } else {
              Throwable cause =
                  error instanceof CompletionException && error.getCause() != null
                      ? error.getCause()
                      : error;
              tell(acquisition, a -> a.failed(cause));
            }
          });
    }
    return future;
  }

  private LockListener.Acquisition start(String name) {
    try {
      LockListener.Acquisition acquisition = listener.acquireStarting(name);
      return acquisition == null ? LockListener.Acquisition.NONE : acquisition;
    } catch (RuntimeException e) {
      log.warn("redmutex: lock listener {} failed in acquireStarting", listener, e);
      return LockListener.Acquisition.NONE;
    }
  }

  private void tell(
      LockListener.Acquisition acquisition,
      java.util.function.Consumer<LockListener.Acquisition> event) {
    if (acquisition == LockListener.Acquisition.NONE) {
      return;
    }
    try {
      event.accept(acquisition);
    } catch (RuntimeException e) {
      log.warn("redmutex: lock listener {} failed on an acquire's outcome", listener, e);
    }
  }
}
