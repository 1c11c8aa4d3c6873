package io.redmutex.spring;

import io.redmutex.LockException;
import io.redmutex.LockListener;
import java.time.Duration;
import java.util.List;
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

  private void each(java.util.function.Consumer<LockListener> event) {
    for (LockListener listener : listeners) {
      try {
        event.accept(listener);
      } catch (RuntimeException e) {
        log.warn("redmutex: lock listener {} failed", listener, e);
      }
    }
  }
}
