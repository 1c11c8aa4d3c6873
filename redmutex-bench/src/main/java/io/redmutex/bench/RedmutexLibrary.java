package io.redmutex.bench;

import io.redmutex.Lease;
import io.redmutex.RedMutex;
import java.time.Duration;

/** redmutex as its README shows it: one {@link RedMutex} per client, {@code acquire}/release. */
final class RedmutexLibrary implements Library {
  static final Duration WAIT = Duration.ofSeconds(60);

  @Override
  public String id() {
    return "redmutex";
  }

  @Override
  public String configuration() {
    return "RedMutex.builder(): defaults (lease "
        + RedMutex.DEFAULT_LEASE_TIME.toSeconds()
        + " s, renewed every third), acquire(name, "
        + WAIT.toSeconds()
        + " s) → Lease.release()";
  }

  @Override
  public Client open(RedisTarget redis, String clientName) {
    RedMutex mutex = RedMutex.builder().uri(redis.uri()).clientName(clientName).build();
    return new Client() {
      @Override
      public Held acquire(String name) {
        Lease lease = mutex.acquire(name, WAIT);
        return lease::release;
      }

      @Override
      public void close() {
        mutex.close();
      }
    };
  }
}
