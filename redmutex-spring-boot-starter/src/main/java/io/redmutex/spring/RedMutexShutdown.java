package io.redmutex.spring;

import org.springframework.context.SmartLifecycle;

/**
 * Holds back the closing of the {@link io.redmutex.RedMutex} bean until the {@link Locked} calls in
 * flight have given their leases back. It stops in a late phase ({@value #PHASE}), after the web
 * server's graceful shutdown and the task executors, within {@code
 * spring.lifecycle.timeout-per-shutdown-phase}; the client is then closed with the other beans,
 * which gives back any lease still held.
 */
final class RedMutexShutdown implements SmartLifecycle {
  /** Below every default phase, so this stops after them. */
  static final int PHASE = -1024;

  private final InFlightWork inFlight;
  private volatile boolean running;

  RedMutexShutdown(InFlightWork inFlight) {
    this.inFlight = inFlight;
  }

  @Override
  public void start() {
    running = true;
  }

  @Override
  public void stop() {
    inFlight.awaitIdle(java.time.Duration.ofSeconds(30));
    running = false;
  }

  @Override
  public void stop(Runnable callback) {
    Thread waiter =
        new Thread(
            () -> {
              try {
                inFlight.awaitIdle(java.time.Duration.ofDays(1)); // the phase timeout bounds it
              } finally {
                running = false;
                callback.run();
              }
            },
            "redmutex-shutdown");
    waiter.setDaemon(true);
    waiter.start();
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  @Override
  public int getPhase() {
    return PHASE;
  }
}
