package io.redmutex.bench;

import java.lang.management.ManagementFactory;

/**
 * CPU time spent by this JVM (client side: every thread, so the JIT and GC too) and by the Redis
 * server ({@code INFO cpu}), sampled around a run. On a machine whose cores are shared, CPU time
 * per operation moves much less with the load than throughput does, and it says where the cost is.
 */
interface CpuMeter {

  /** Meters nothing: every figure is NaN. */
  CpuMeter NONE = () -> new Sample(Double.NaN, Double.NaN);

  /**
   * CPU seconds so far.
   *
   * @param client this JVM's process CPU time
   * @param redis the server's {@code used_cpu_sys + used_cpu_user}
   */
  record Sample(double client, double redis) {

    /** CPU per operation, in microseconds, since {@code earlier}. */
    Sample perOpMicros(Sample earlier, long ops) {
      return new Sample(
          ops > 0 ? (client - earlier.client) * 1e6 / ops : Double.NaN,
          ops > 0 ? (redis - earlier.redis) * 1e6 / ops : Double.NaN);
    }
  }

  Sample sample();

  /** This JVM and the server {@code admin} talks to. */
  static CpuMeter of(RedisAdmin admin) {
    return () -> {
      String info = admin.info("cpu");
      double redis =
          Double.parseDouble(RedisAdmin.infoField(info, "used_cpu_sys"))
              + Double.parseDouble(RedisAdmin.infoField(info, "used_cpu_user"));
      return new Sample(processCpuSeconds(), redis);
    };
  }

  private static double processCpuSeconds() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      long nanos = os.getProcessCpuTime();
      return nanos < 0 ? Double.NaN : nanos / 1e9;
    }
    return Double.NaN;
  }
}
