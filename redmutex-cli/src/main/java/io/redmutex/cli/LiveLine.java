package io.redmutex.cli;

import java.io.PrintStream;

/**
 * One status line on stderr, rewritten in place ({@code \r}, erase to end of line), shown only when
 * the user is at a terminal ({@link System#console()} is not null). Elsewhere (pipes, files, CI,
 * Kubernetes logs) it prints nothing, so logs carry no progress noise.
 */
final class LiveLine {
  private static final String ERASE = "\r\033[K";

  private final PrintStream out;
  private final boolean enabled;
  private boolean showing; // guarded by this

  private LiveLine(PrintStream out, boolean enabled) {
    this.out = out;
    this.enabled = enabled;
  }

  /** A line on stderr, enabled when there is a terminal. */
  static LiveLine onTerminal() {
    return new LiveLine(System.err, isInteractive());
  }

  /** Whether stdin and stdout are a terminal (what {@link System#console()} tells). */
  static boolean isInteractive() {
    return System.console() != null;
  }

  boolean enabled() {
    return enabled;
  }

  /** Replaces the line with {@code text}. */
  synchronized void show(String text) {
    if (enabled) {
      out.print(ERASE + text);
      out.flush();
      showing = true;
    }
  }

  /** Erases the line, so that ordinary output continues on a clean line. */
  synchronized void clear() {
    if (showing) {
      out.print(ERASE);
      out.flush();
      showing = false;
    }
  }
}
