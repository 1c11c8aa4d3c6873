package io.redmutex.bench;

import io.redmutex.Lease;
import io.redmutex.RedMutex;
import io.redmutex.testkit.RedisServer;
import java.util.ArrayList;
import java.util.List;

/**
 * redmutex with Redlock over 3 masters ({@code redlock://}): the benchmark's Redis plus two more
 * started by the test kit on this machine, with the same password. An acquire is one round of takes
 * on all three at once, then one round writing the fencing token back to a majority; a release is
 * one round of compare-and-delete: one round trip more than on one master, and three servers' work
 * (on the same cores here). The footprint scenario counts what the benchmark's Redis holds: a third
 * of the Redis bytes and connections.
 */
final class RedlockLibrary implements Library, AutoCloseable {
  private final List<RedisServer> extraMasters = new ArrayList<>();

  @Override
  public String id() {
    return "redmutex-redlock";
  }

  @Override
  public String configuration() {
    return "RedMutex.builder().uri(\"redlock://bench-redis,m2,m3\"): 3 independent masters (the"
        + " benchmark's Redis and 2 started by the test kit on the same machine), defaults"
        + " otherwise, acquire(name, "
        + RedmutexLibrary.WAIT.toSeconds()
        + " s) → Lease.release()";
  }

  @Override
  public List<String> notes() {
    return List.of(
        "Redlock: each acquire is a take on 3 masters plus a fencing write-back (one round trip"
            + " more than one master); the footprint counts one master of three.");
  }

  @Override
  public Client open(RedisTarget redis, String clientName) {
    RedMutex mutex = RedMutex.builder().uri(uri(redis)).clientName(clientName).build();
    return new Client() {
      @Override
      public Held acquire(String name) {
        Lease lease = mutex.acquire(name, RedmutexLibrary.WAIT);
        return lease::release;
      }

      @Override
      public void close() {
        mutex.close();
      }
    };
  }

  private synchronized String uri(RedisTarget redis) {
    while (extraMasters.size() < 2) {
      RedisServer.Builder builder = RedisServer.builder();
      if (redis.password() != null) {
        builder.password(redis.password());
      }
      extraMasters.add(builder.start());
    }
    int at = redis.uri().lastIndexOf('@');
    String auth = at < 0 ? "" : redis.uri().substring("redis://".length(), at + 1);
    StringBuilder uri = new StringBuilder("redlock://").append(auth);
    uri.append(redis.host()).append(':').append(redis.port());
    for (RedisServer master : extraMasters) {
      uri.append(',').append(master.host()).append(':').append(master.port());
    }
    return uri.toString();
  }

  @Override
  public synchronized void close() {
    extraMasters.forEach(RedisServer::close);
    extraMasters.clear();
  }
}
