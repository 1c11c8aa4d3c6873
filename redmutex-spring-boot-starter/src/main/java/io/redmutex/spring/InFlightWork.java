package io.redmutex.spring;

import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Counts the {@link Locked} calls holding or waiting for a lease, so that shutdown can wait for
 * them before the client closes.
 */
final class InFlightWork {
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition idle = lock.newCondition();
  private int running; // guarded by lock

  void enter() {
    lock.lock();
    try {
      running++;
    } finally {
      lock.unlock();
    }
  }

  void exit() {
    lock.lock();
    try {
      if (--running == 0) {
        idle.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  int running() {
    lock.lock();
    try {
      return running;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits until no call is in flight, at most {@code timeout}; true if none is. Restores the
   * interrupt flag if interrupted.
   */
  boolean awaitIdle(Duration timeout) {
    long left = timeout.toNanos();
    lock.lock();
    try {
      while (running > 0) {
        if (left <= 0) {
          return false;
        }
        left = idle.awaitNanos(left);
      }
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return running == 0;
    } finally {
      lock.unlock();
    }
  }
}
