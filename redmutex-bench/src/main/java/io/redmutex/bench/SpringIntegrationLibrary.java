package io.redmutex.bench;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Lock;
import org.springframework.dao.CannotAcquireLockException;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.integration.redis.util.RedisLockRegistry;
import org.springframework.integration.redis.util.RedisLockRegistry.RedisLockType;

/**
 * Spring Integration {@link RedisLockRegistry} over spring-data-redis's {@link
 * LettuceConnectionFactory} (its default: one shared native connection), in its default spin mode
 * or in pub/sub mode. The registry is built with a 30 s expiry (redmutex's and Redisson's lease
 * time; Spring's default is 60 s) and, as by default, no renewal scheduler.
 */
final class SpringIntegrationLibrary implements Library {
  static final Duration EXPIRE_AFTER = Duration.ofSeconds(30);
  static final String REGISTRY_KEY = "lock";

  private final RedisLockType type;
  private final AtomicLong spuriousEvictions = new AtomicLong();

  private SpringIntegrationLibrary(RedisLockType type) {
    this.type = type;
  }

  /** The default mode: a waiter retries every 100 ms. */
  static SpringIntegrationLibrary spin() {
    return new SpringIntegrationLibrary(RedisLockType.SPIN_LOCK);
  }

  /** Waiters are woken by a message published on release. */
  static SpringIntegrationLibrary pubSub() {
    return new SpringIntegrationLibrary(RedisLockType.PUB_SUB_LOCK);
  }

  @Override
  public String id() {
    return type == RedisLockType.SPIN_LOCK ? "spring-integration" : "spring-integration-pubsub";
  }

  @Override
  public String configuration() {
    return "spring-integration-redis "
        + RedisLockRegistry.class.getPackage().getImplementationVersion()
        + " RedisLockRegistry(LettuceConnectionFactory, \""
        + REGISTRY_KEY
        + "\", "
        + EXPIRE_AFTER.toSeconds()
        + " s), "
        + type
        + (type == RedisLockType.SPIN_LOCK ? " (default; retry every 100 ms)" : "")
        + ", no renewal; obtain(name).lock() / unlock()";
  }

  /**
   * RedisLockRegistry 7.1.2 checks {@code locks.containsKey(key)} before each Redis attempt without
   * the registry's lock, on an access-ordered {@code LinkedHashMap} that {@code obtain()} of other
   * names resizes meanwhile; the check then can miss a lock that is in the map, and {@code lock()}
   * fails with "was evicted from the exhausted cache" although the cache is far from full. Seen
   * here when 16 threads take 10,000 new names.
   */
  static boolean isSpuriousEviction(CannotAcquireLockException e) {
    return e.getCause() instanceof IllegalStateException cause
        && cause.getMessage() != null
        && cause.getMessage().contains("was evicted from the exhausted cache");
  }

  @Override
  public List<String> notes() {
    long evictions = spuriousEvictions.get();
    if (evictions == 0) {
      return List.of();
    }
    return List.of(
        String.format(
            Locale.ROOT,
            "%,d lock() %s with \"was evicted from the exhausted cache\" although the"
                + " cache (100,000) was far from full: RedisLockRegistry reads its access-ordered"
                + " LinkedHashMap without its lock while obtain() of other names resizes it. The"
                + " adapter obtained the lock again and retried, as the message suggests.",
            evictions,
            evictions == 1 ? "call failed" : "calls failed"));
  }

  @Override
  public Client open(RedisTarget redis, String clientName) {
    RedisStandaloneConfiguration server =
        new RedisStandaloneConfiguration(redis.host(), redis.port());
    if (redis.password() != null) {
      server.setPassword(redis.password());
    }
    LettuceConnectionFactory factory =
        new LettuceConnectionFactory(
            server, LettuceClientConfiguration.builder().clientName(clientName).build());
    factory.afterPropertiesSet();
    factory.start();
    RedisLockRegistry registry = new RedisLockRegistry(factory, REGISTRY_KEY, EXPIRE_AFTER);
    registry.setRedisLockType(type);
    return new Client() {
      @Override
      public Held acquire(String name) {
        while (true) {
          Lock lock = registry.obtain(name);
          try {
            lock.lock();
            return lock::unlock;
          } catch (CannotAcquireLockException e) {
            if (!isSpuriousEviction(e)) {
              throw e;
            }
            // What the message tells users to do: obtain a fresh lock. Nothing was taken in Redis
            // (the check comes first) and lock() has released its local lock. Counted in notes().
            spuriousEvictions.incrementAndGet();
          }
        }
      }

      @Override
      public void close() {
        try {
          registry.destroy();
        } finally {
          factory.destroy();
        }
      }
    };
  }
}
