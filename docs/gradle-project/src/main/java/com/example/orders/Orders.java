package com.example.orders;

import io.redmutex.Lease;
import io.redmutex.RedMutex;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** Charges orders one at a time per order, across every process that shares the Redis. */
public final class Orders implements AutoCloseable {
  private final RedMutex mutex;
  private final Map<Long, Long> lastFence = new HashMap<>();

  public Orders(String redisUri) {
    this.mutex = RedMutex.connect(redisUri);
  }

  /** Charges order {@code id} under its lock; returns the fencing token the write carried. */
  public long charge(long id) {
    try (Lease lease = mutex.acquire("orders:" + id, Duration.ofSeconds(5))) {
      long fence = lease.fencingToken();
      synchronized (lastFence) {
        Long last = lastFence.get(id);
        if (last != null && last >= fence) {
          throw new IllegalStateException("stale fencing token " + fence + " after " + last);
        }
        lastFence.put(id, fence);
      }
      return fence;
    }
  }

  @Override
  public void close() {
    mutex.close();
  }
}
