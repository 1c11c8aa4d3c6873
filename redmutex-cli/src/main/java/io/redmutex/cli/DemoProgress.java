package io.redmutex.cli;

import java.util.function.Supplier;

/** Redraws the demo's {@link LiveLine} five times a second, at a terminal only. */
final class DemoProgress implements AutoCloseable {
  private static final long REDRAW_MILLIS = 200;

  private final LiveLine line;
  private final Thread thread;
  private volatile boolean running = true;

  private DemoProgress(LiveLine line, Supplier<String> text) {
    this.line = line;
    this.thread =
        new Thread(
            () -> {
              while (running) {
                line.show(text.get());
                try {
                  Thread.sleep(REDRAW_MILLIS);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "demo-progress");
    thread.setDaemon(true);
  }

  static DemoProgress start(Supplier<String> text) {
    DemoProgress progress = new DemoProgress(LiveLine.onTerminal(), text);
    if (progress.line.enabled()) {
      progress.thread.start();
    }
    return progress;
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    line.clear();
  }
}
