package io.redmutex.testkit;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The text of a test server's {@code redis.conf}: the kit's fixed directives, its overridable
 * defaults, then the caller's extra directives, which Redis applies last and so win.
 */
final class RedisConfig {

  /** Directives the kit owns; each has its own builder option or must not change. */
  static final Set<String> RESERVED =
      Set.of(
          "port",
          "bind",
          "dir",
          "daemonize",
          "logfile",
          "pidfile",
          "requirepass",
          "include",
          "supervised",
          "syslog-enabled");

  private RedisConfig() {}

  /**
   * Renders the configuration.
   *
   * @param extra name/value pairs, in order; each value is written verbatim (Redis config syntax,
   *     so {@code "900 1"} gives two arguments), an empty value as {@code ""}
   */
  static String render(
      int port,
      Path dir,
      String password,
      int majorVersion,
      List<Map.Entry<String, String>> extra) {
    StringBuilder text = new StringBuilder("# Written by redmutex-testkit\n");
    text.append("bind 127.0.0.1\n");
    text.append("port ").append(port).append('\n');
    text.append("dir ").append(quote(dir.toString())).append('\n');
    text.append("daemonize no\n");
    text.append("logfile \"\"\n"); // stdout, which the kit appends to the log file
    if (password != null) {
      text.append("requirepass ").append(quote(password)).append('\n');
    }
    text.append("save \"\"\n");
    text.append("appendonly no\n");
    if (majorVersion >= 7) {
      text.append("enable-debug-command local\n"); // DEBUG SLEEP etc. are off by default in 7
    }
    for (Map.Entry<String, String> directive : extra) {
      String value = directive.getValue();
      text.append(directive.getKey())
          .append(' ')
          .append(value.isEmpty() ? "\"\"" : value)
          .append('\n');
    }
    return text.toString();
  }

  /**
   * Checks an extra directive.
   *
   * @throws IllegalArgumentException if the name is reserved or malformed, or the value spans lines
   */
  static void checkDirective(String name, String value) {
    if (name.isEmpty() || !name.chars().allMatch(c -> c > ' ' && c < 127 && c != '"')) {
      throw new IllegalArgumentException("config name must be one word, was '" + name + "'");
    }
    if (RESERVED.contains(name.toLowerCase(Locale.ROOT))) {
      throw new IllegalArgumentException(
          "config '" + name + "' is set by the test kit; use the builder's own option if any");
    }
    if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
      throw new IllegalArgumentException(
          "config '" + name + "' value must be on one line, was '" + value + "'");
    }
  }

  /** Quotes a value the way Redis's config parser ({@code sdssplitargs}) reads it back. */
  static String quote(String value) {
    StringBuilder quoted = new StringBuilder("\"");
    for (char c : value.toCharArray()) {
      switch (c) {
        case '"' -> quoted.append("\\\"");
        case '\\' -> quoted.append("\\\\");
        case '\n' -> quoted.append("\\n");
        case '\r' -> quoted.append("\\r");
        case '\t' -> quoted.append("\\t");
        default -> {
          if (c < ' ' || c == 127) {
            quoted.append(String.format(Locale.ROOT, "\\x%02x", (int) c));
          } else {
            quoted.append(c);
          }
        }
      }
    }
    return quoted.append('"').toString();
  }
}
