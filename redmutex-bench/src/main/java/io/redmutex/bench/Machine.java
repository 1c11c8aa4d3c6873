package io.redmutex.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Where the figures came from.
 *
 * @param cores processors available to the JVM
 * @param cpu the CPU model, or "unknown CPU"
 * @param jdk the JVM's name and version
 * @param os the operating system
 * @param redisVersion the server's {@code redis_version}
 * @param redisWhere how the server was reached: started here, or given
 * @param pingMicros median {@code PING} round trip, for reading latencies in round trips
 */
record Machine(
    int cores,
    String cpu,
    String jdk,
    String os,
    String redisVersion,
    String redisWhere,
    double pingMicros) {

  static Machine describe(String redisVersion, String redisWhere, double pingMicros) {
    return new Machine(
        Runtime.getRuntime().availableProcessors(),
        cpuModel(),
        System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
        System.getProperty("os.name")
            + " "
            + System.getProperty("os.version")
            + " "
            + System.getProperty("os.arch"),
        redisVersion,
        redisWhere,
        pingMicros);
  }

  private static String cpuModel() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux, or not readable: say so below
    }
    return "unknown CPU";
  }

  /**
   * The 1-minute load average ({@code /proc/loadavg}), or NaN where unknown: the benchmark wants
   * the machine to itself, and this says whether it had it.
   */
  static double loadAverage() {
    try {
      return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  /** One line for the report. */
  String note() {
    return String.format(
        Locale.ROOT,
        "%d cores (%s), %s, %s; Redis %s (%s); PING round trip p50 %.0f µs",
        cores,
        cpu,
        jdk,
        os,
        redisVersion,
        redisWhere,
        pingMicros);
  }
}
