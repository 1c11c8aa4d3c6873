package io.redmutex.spring;

import io.redmutex.Lease;
import io.redmutex.LockException;
import io.redmutex.LockListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Tells several listeners of each event, in order; one that throws does not stop the others. */
final class CompositeLockListener implements LockListener {
  private static final Logger log = LoggerFactory.getLogger(CompositeLockListener.class);

  private final List<LockListener> listeners;

  CompositeLockListener(List<LockListener> listeners) {
    this.listeners = List.copyOf(listeners);
  }

  @Override
  public Acquisition acquireStarting(String name) {
    List<Acquisition> started = new ArrayList<>(listeners.size());
    each(
        l -> {
          Acquisition acquisition = l.acquireStarting(name);
          if (acquisition != null && acquisition != Acquisition.NONE) {
            started.add(acquisition);
          }
        });
    if (started.isEmpty()) {
      return Acquisition.NONE;
    }
    return new Acquisition() {
      @Override
      public void acquired(Lease lease) {
        eachOf(started, a -> a.acquired(lease));
      }

      @Override
      public void busy() {
        eachOf(started, Acquisition::busy);
      }

      @Override
      public void failed(Throwable cause) {
        eachOf(started, a -> a.failed(cause));
      }
    };
  }

  @Override
  public void acquired(String name, long fencingToken, Duration waited) {
    each(l -> l.acquired(name, fencingToken, waited));
  }

  @Override
  public void acquireFailed(String name, Duration waited, LockException cause) {
    each(l -> l.acquireFailed(name, waited, cause));
  }

  @Override
  public void released(String name, long fencingToken, Duration held) {
    each(l -> l.released(name, fencingToken, held));
  }

  @Override
  public void lost(String name, long fencingToken) {
    each(l -> l.lost(name, fencingToken));
  }

  @Override
  public void renewed(String name, long fencingToken) {
    each(l -> l.renewed(name, fencingToken));
  }

  @Override
  public void handedOff(String name, long fromFencingToken, long toFencingToken) {
    each(l -> l.handedOff(name, fromFencingToken, toFencingToken));
  }

  private void each(Consumer<LockListener> event) {
    eachOf(listeners, event);
  }

  private static <T> void eachOf(List<T> targets, Consumer<T> event) {
    for (T target : targets) {
      try {
        event.accept(target);
      } catch (RuntimeException e) {
        log.warn("redmutex: lock listener {} failed", target, e);
      }
    }
  }
}
