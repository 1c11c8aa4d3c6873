package io.redmutex.testkit;

import java.time.Duration;
import java.util.Objects;
import org.slf4j.LoggerFactory;

/**
 * A fault to inflict on a {@link RedisServer}: a small, closed vocabulary for chaos tests.
 *
 * <pre>{@code
 * List<Fault> faults = List.of(new Fault.Kill(), new Fault.Pause(Duration.ofSeconds(2)));
 * faults.get(random.nextInt(faults.size())).applyTo(redis);
 * }</pre>
 */
public sealed interface Fault permits Fault.Kill, Fault.Pause, Fault.Restart {

  /** Inflicts this fault on {@code server}. */
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
     * @throws IllegalArgumentException if {@code duration} is negative
     */
    public Pause {
      Objects.requireNonNull(duration, "duration");
      if (duration.isNegative()) {
        throw new IllegalArgumentException("duration must not be negative, was " + duration);
      }
    }

    @Override
    public void applyTo(RedisServer server) {
      server.pause();
      Thread resumer =
          new Thread(
              () -> {
                try {
                  Thread.sleep(duration.toMillis());
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt(); // resume early rather than never
                }
                try {
                  server.resume();
                } catch (RuntimeException e) {
                  LoggerFactory.getLogger(Fault.class).warn("Cannot resume {}", server, e);
                }
              },
              "redmutex-fault-resume-" + server.port());
      resumer.setDaemon(true);
      resumer.start();
    }
  }

  /** A crash and a restart: {@link RedisServer#restart()}. Returns once the server answers. */
  record Restart() implements Fault {
    @Override
    public void applyTo(RedisServer server) {
      server.restart();
    }
  }
}
