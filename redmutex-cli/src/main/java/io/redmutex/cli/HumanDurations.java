package io.redmutex.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as people type and read them: {@code 500ms}, {@code 30s}, {@code 1.5s}, {@code 5m},
 * {@code 1h30m}, {@code 2d}, or ISO-8601 ({@code PT30S}). A number without a unit is rejected
 * rather than guessed.
 */
final class HumanDurations {
  private HumanDurations() {}

  private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h|d)");

  /**
   * Parses {@code text}.
   *
   * @throws IllegalArgumentException with a message showing the accepted forms
   */
  static Duration parse(String text) {
    String s = text.trim().toLowerCase(Locale.ROOT);
    if (s.startsWith("p")) {
      try {
        Duration iso = Duration.parse(s.toUpperCase(Locale.ROOT));
        if (iso.isNegative()) {
          throw invalid(text, "it is negative");
        }
        return iso;
      } catch (DateTimeParseException e) {
        throw invalid(text, "not an ISO-8601 duration");
      }
    }
    if (s.matches("0+(\\.0+)?")) {
      return Duration
          .ZERO; // zero needs no unit (issue 14: "--lease 0" asked for one, then refused 0s)
    }
    if (s.matches("\\d+(\\.\\d+)?")) {
      throw invalid(text, "add a unit, e.g. " + s + "s or " + s + "ms");
    }
    Matcher m = PART.matcher(s);
    Duration total = Duration.ZERO;
    int end = 0;
    while (m.find()) {
      if (m.start() != end) {
        break;
      }
      total = total.plus(part(m.group(1), m.group(2)));
      end = m.end();
    }
    if (s.isEmpty() || end != s.length()) {
      throw invalid(text, null);
    }
    return total;
  }

  private static Duration part(String number, String unit) {
    double value = Double.parseDouble(number);
    double millis =
        switch (unit) {
          case "ms" -> value;
          case "s" -> value * 1_000;
          case "m" -> value * 60_000;
          case "h" -> value * 3_600_000;
          default -> value * 86_400_000; // d
        };
    if (millis > 1e15) {
      throw new IllegalArgumentException("duration '" + number + unit + "' is too long");
    }
    return Duration.ofNanos(Math.round(millis * 1_000_000));
  }

  private static IllegalArgumentException invalid(String text, String why) {
    return new IllegalArgumentException(
        "invalid duration '"
            + text
            + "'"
            + (why == null ? "" : ": " + why)
            + " (use e.g. 0s, 500ms, 30s, 1.5s, 5m, 1h30m, 2d)");
  }

  /**
   * Short and readable: {@code 850ms}, {@code 12.3s}, {@code 5m03s}, {@code 2h05m}, {@code 3d04h}.
   */
  static String format(Duration d) {
    long millis = d.toMillis();
    if (millis < 1_000) {
      long micros = d.toNanos() / 1_000;
      return micros < 10_000 && micros % 1_000 != 0
          ? String.format(Locale.ROOT, "%.1fms", micros / 1_000.0)
          : millis + "ms";
    }
    if (millis < 60_000) {
      return millis % 1_000 == 0
          ? millis / 1_000 + "s"
          : String.format(Locale.ROOT, "%.1fs", millis / 1_000.0);
    }
    long seconds = millis / 1_000;
    if (seconds < 3_600) {
      return String.format(Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60);
    }
    if (seconds < 86_400) {
      return String.format(Locale.ROOT, "%dh%02dm", seconds / 3_600, seconds % 3_600 / 60);
    }
    return String.format(Locale.ROOT, "%dd%02dh", seconds / 86_400, seconds % 86_400 / 3_600);
  }
}
