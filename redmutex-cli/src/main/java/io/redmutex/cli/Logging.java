package io.redmutex.cli;

/**
 * Routes the library's SLF4J logging (slf4j-simple) to stderr, quiet: the CLI owns its output and
 * says each event in one line of its own (a lease lost, a lock broken), so by default only errors
 * are logged; with {@code --verbose}, redmutex debug output and others' info. Must run before the
 * first logger is created.
 */
final class Logging {
  private Logging() {}

  private static final String PREFIX = "org.slf4j.simpleLogger.";

  static void configure(boolean verbose) {
    set("logFile", "System.err");
    set("showThreadName", Boolean.toString(verbose));
    set("showLogName", "false");
    set("showShortLogName", Boolean.toString(verbose));
    set("levelInBrackets", "false");
    set("defaultLogLevel", verbose ? "info" : "error");
    set("log.io.redmutex", verbose ? "debug" : "error");
    // The test kit says which redis-server it picked at info; `demo` prints that itself.
    set("log.io.redmutex.testkit", verbose ? "debug" : "warn");
  }

  private static void set(String key, String value) {
    if (System.getProperty(PREFIX + key) == null) {
      System.setProperty(PREFIX + key, value);
    }
  }
}
