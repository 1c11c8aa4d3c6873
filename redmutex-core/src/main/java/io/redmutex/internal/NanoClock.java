package io.redmutex.internal;

/**
 * A monotonic time source in nanoseconds, like {@link System#nanoTime()}: only differences mean
 * anything. Injected so that timing logic can be tested with a fake clock.
 */
@FunctionalInterface
public interface NanoClock {

  long nanoTime();

  /** The system's monotonic clock. */
  static NanoClock system() {
    return System::nanoTime;
  }
}
