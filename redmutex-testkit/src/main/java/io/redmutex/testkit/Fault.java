package io.redmutex.testkit;

import java.time.Duration;
import java.util.Objects;
import org.slf4j.LoggerFactory;

/**
 * A fault to inflict on a {@link RedisServer}: a small, closed vocabulary for chaos tests.
 *
 * <pre>{@code
 * TcpProxy proxy = TcpProxy.start(redis); // clients connect through the proxy
 * List<Fault> faults =
 *     List.of(
 *         new Fault.Kill(),
 *         new Fault.Pause(Duration.ofSeconds(2)),
 *         new Fault.Partition(proxy, Duration.ofSeconds(2)));
 * faults.get(random.nextInt(faults.size())).applyTo(redis);
 * }</pre>
 *
 * <p>Every fault hits one server. {@link Partition} cuts the network between that server and the
 * clients that reach it through a {@link TcpProxy}, so it names the proxy and checks that the proxy
 * leads to the server it is applied to.
 */
public sealed interface Fault permits Fault.Kill, Fault.Pause, Fault.Restart, Fault.Partition {

  /**
   * Inflicts this fault on {@code server}.
   *
   * @param server the server
   * @throws IllegalArgumentException if the fault cannot reach {@code server} (a {@link Partition}
   *     whose proxy leads elsewhere)
   */
  void applyTo(RedisServer server);

  /** A crash: {@link RedisServer#kill()}. The server stays down until restarted. */
  record Kill() implements Fault {
    @Override
    public void applyTo(RedisServer server) {
      server.kill();
    }
  }

  /**
   * A freeze of {@code duration}: {@link RedisServer#pause()} now and {@link RedisServer#resume()}
   * after {@code duration} on a daemon thread; returns at once. The duration is the fault itself,
   * so it is not scaled by {@link Timing}. Overlapping pauses end with the first resume.
   */
  record Pause(Duration duration) implements Fault {

    /**
     * @param duration how long the fault lasts; not negative
     * @throws IllegalArgumentException if {@code duration} is negative
     */
    public Pause {
      checkDuration(duration);
    }

    @Override
    public void applyTo(RedisServer server) {
      server.pause();
      after(duration, server::resume, "resume " + server, "redmutex-fault-resume-" + server.port());
    }
  }

  /** A crash and a restart: {@link RedisServer#restart()}. Returns once the server answers. */
  record Restart() implements Fault {
    @Override
    public void applyTo(RedisServer server) {
      server.restart();
    }
  }

  /**
   * A network partition of {@code duration} between {@code server} and the clients that reach it
   * through {@code proxy}: {@link TcpProxy#partition(TcpProxy.Mode)} now and {@link
   * TcpProxy#heal()} after {@code duration} on a daemon thread; returns at once. The duration is
   * the fault itself, so it is not scaled by {@link Timing}. Overlapping partitions end with the
   * first heal.
   */
  record Partition(TcpProxy proxy, Duration duration, TcpProxy.Mode mode) implements Fault {

    /**
     * @param proxy the proxy between the clients and the server
     * @param duration how long the fault lasts; not negative
     * @param mode how the cut connections behave
     * @throws IllegalArgumentException if {@code duration} is negative
     */
    public Partition {
      Objects.requireNonNull(proxy, "proxy");
      Objects.requireNonNull(mode, "mode");
      checkDuration(duration);
    }

    /**
     * A {@link TcpProxy.Mode#BLACKHOLE} partition: the cut clients notice only by timing out.
     *
     * @param proxy the proxy between the clients and the server
     * @param duration how long the fault lasts; not negative
     */
    public Partition(TcpProxy proxy, Duration duration) {
      this(proxy, duration, TcpProxy.Mode.BLACKHOLE);
    }

    /**
     * @throws IllegalArgumentException if the proxy does not forward to {@code server}
     */
    @Override
    public void applyTo(RedisServer server) {
      if (proxy.targetPort() != server.port() || !proxy.targetHost().equals(server.host())) {
        throw new IllegalArgumentException(proxy + " does not lead to " + server);
      }
      proxy.partition(mode);
      after(duration, proxy::heal, "heal " + proxy, "redmutex-fault-heal-" + proxy.port());
    }
  }

  private static void checkDuration(Duration duration) {
    Objects.requireNonNull(duration, "duration");
    if (duration.isNegative()) {
      throw new IllegalArgumentException("duration must not be negative, was " + duration);
    }
  }

  /** Runs {@code action} after {@code delay} on a daemon thread, early if interrupted. */
  private static void after(Duration delay, Runnable action, String what, String threadName) {
    Thread thread =
        new Thread(
            () -> {
              try {
                Thread.sleep(delay.toMillis());
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // act early rather than never
              }
              try {
                action.run();
              } catch (RuntimeException e) {
                LoggerFactory.getLogger(Fault.class).warn("Cannot {}", what, e);
              }
            },
            threadName);
    thread.setDaemon(true);
    thread.start();
  }
}
