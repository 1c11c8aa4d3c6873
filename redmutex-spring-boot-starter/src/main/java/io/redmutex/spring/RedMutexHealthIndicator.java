package io.redmutex.spring;

import io.redmutex.Lease;
import io.redmutex.RedMutex;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Whether redmutex can take locks: each check takes and gives back a probe lock ({@value
 * #PROBE_NAME}, under the key prefix) through the same script path as every lock, with a client of
 * its own. That proves in one go that Redis is reachable, accepts the credentials, is a writable
 * master (a replica refuses the write, so a client pointed at a demoted master is DOWN) and runs
 * the scripts; the details show the round trip.
 *
 * <p>Why a client of its own rather than the application's: the probe must not show up in the
 * application's lock metrics and listeners, and its command timeout ({@code
 * redmutex.health.timeout}, default 2 s) bounds how long a check can hang when Redis is down. It
 * shares Boot's Lettuce event loops when there is a {@code ClientResources} bean, is created at the
 * first check, and is recreated after a check that could not connect.
 */
public final class RedMutexHealthIndicator extends AbstractHealthIndicator
    implements DisposableBean {
  /** The lock name each check takes and gives back. */
  public static final String PROBE_NAME = "redmutex:health-probe";

  private final Supplier<RedMutex> factory;
  private final String target;
  private RedMutex probe; // guarded by this

  RedMutexHealthIndicator(Supplier<RedMutex> factory, String target) {
    super("redmutex health check failed");
    this.factory = factory;
    this.target = target;
  }

  @Override
  protected void doHealthCheck(Health.Builder builder) {
    builder.withDetail("target", target);
    long start = System.nanoTime();
    Optional<Lease> lease;
    try {
      lease = client().tryAcquire(PROBE_NAME);
      lease.ifPresent(Lease::release);
    } catch (RuntimeException e) {
      discardClient(); // the next check connects afresh, without waiting out a reconnect backoff
      throw e;
    }
    Duration roundTrips = Duration.ofNanos(System.nanoTime() - start);
    builder
        .up()
        .withDetail("probe", lease.isPresent() ? "taken and given back" : "held by another probe")
        .withDetail("probeMillis", roundTrips.toMillis());
  }

  private synchronized RedMutex client() {
    if (probe == null) {
      probe = factory.get(); // throws if Redis cannot be reached: DOWN, retried next check
    }
    return probe;
  }

  private synchronized void discardClient() {
    if (probe != null) {
      probe.close();
      probe = null;
    }
  }

  @Override
  public void destroy() {
    discardClient();
  }
}
