package io.redmutex.testkit;

import java.io.PrintStream;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * A JUnit 5 extension that, when a test fails, prints to standard error the last {@value
 * #TAIL_LINES} log lines of every {@link RedisServer} of this JVM that is still open.
 *
 * <pre>{@code
 * @ExtendWith(PrintRedisLogsOnFailure.class)
 * class MutexIT {
 *   static RedisServer redis = RedisServer.start();
 *   ...
 * }
 * }</pre>
 *
 * <p>It sees servers still open when the failure is reported, which is after {@code @AfterEach}:
 * servers closed there are gone. Keep them open in a field closed in {@code @AfterAll}, or let a
 * test that closes its own server rely on the exception message, which carries the log tail on
 * start failures.
 */
public final class PrintRedisLogsOnFailure implements TestWatcher {

  /** How many lines of each server's log are printed. */
  public static final int TAIL_LINES = 100;

  @Override
  public void testFailed(ExtensionContext context, Throwable cause) {
    print(System.err, context.getDisplayName());
  }

  static void print(PrintStream out, String testName) {
    for (RedisServer server : LiveServers.snapshot()) {
      String tail;
      try {
        tail = server.logTail(TAIL_LINES);
      } catch (RuntimeException e) {
        tail = "(log unreadable: " + e + ")";
      }
      out.println(
          "---- " + testName + " failed; last " + TAIL_LINES + " log lines of " + server + " ----");
      out.println(tail);
      out.println("---- end of log ----");
    }
  }
}
