package io.redmutex.bench;

import java.util.concurrent.TimeUnit;
import org.redisson.Redisson;
import org.redisson.api.RLock;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;
import org.redisson.config.SingleServerConfig;

/**
 * Redisson {@link RLock} on a single-server configuration with Redisson's own defaults for the
 * connection pools, threads and lock watchdog (they are what its documentation recommends, and what
 * users run): {@code lock()} without a lease time, so the watchdog renews it.
 */
final class RedissonLibrary implements Library {

  @Override
  public String id() {
    return "redisson";
  }

  @Override
  public String configuration() {
    Config config = new Config();
    SingleServerConfig server = config.useSingleServer();
    return "Redisson "
        + Redisson.class.getPackage().getImplementationVersion()
        + " useSingleServer(): defaults (connection pool "
        + server.getConnectionMinimumIdleSize()
        + "–"
        + server.getConnectionPoolSize()
        + ", subscription pool "
        + server.getSubscriptionConnectionMinimumIdleSize()
        + "–"
        + server.getSubscriptionConnectionPoolSize()
        + ", nettyThreads "
        + config.getNettyThreads()
        + ", lockWatchdogTimeout "
        + config.getLockWatchdogTimeout() / 1000
        + " s); getLock(name).lock() / unlock()";
  }

  @Override
  public Client open(RedisTarget redis, String clientName) {
    Config config = new Config();
    config
        .useSingleServer()
        .setAddress("redis://" + redis.address())
        .setPassword(redis.password())
        .setClientName(clientName);
    RedissonClient redisson = Redisson.create(config);
    return new Client() {
      @Override
      public Held acquire(String name) {
        RLock lock = redisson.getLock(name);
        lock.lock();
        return lock::unlock;
      }

      @Override
      public void close() {
        redisson.shutdown(0, 5, TimeUnit.SECONDS);
      }
    };
  }
}
