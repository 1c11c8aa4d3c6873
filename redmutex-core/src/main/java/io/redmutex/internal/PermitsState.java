package io.redmutex.internal;

import io.redmutex.PermitsInfo;

/**
 * A semaphore's or read-write lock's state in a few words, as the CLI and the dashboard show it.
 */
public final class PermitsState {
  private PermitsState() {}

  /**
   * {@code held 2/3}, {@code free 0/3}; {@code held: writer}, {@code held: 3 readers}, {@code
   * free}; {@code , writer waits} after it while a writer holds new readers back.
   *
   * @param info what Redis says
   * @param semaphore a semaphore's state, else a read-write lock's
   * @return the words
   */
  public static String of(PermitsInfo info, boolean semaphore) {
    int count = info.holdersCount();
    String state;
    if (semaphore) {
      String permits = info.permits().isPresent() ? "/" + info.permits().getAsInt() : "";
      state = (count == 0 ? "free " : "held ") + count + permits;
    } else if (count == 0) {
      state = "free";
    } else if (!info.holders().isEmpty() && info.holders().get(0).writer()) {
      state = "held: writer";
    } else {
      state = "held: " + count + (count == 1 ? " reader" : " readers");
    }
    return info.writerWaiting().isPresent() ? state + ", writer waits" : state;
  }
}
