package io.redmutex.bench;

import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The least any correct lock can do, as a yardstick: plain Lettuce on one shared connection, {@code
 * SET key token NX PX} to take (retried at once, without sleeping or waiting for a message, while
 * busy) and a compare-and-delete script to give back. No fencing, no renewal, no wake-ups.
 */
final class FloorLibrary implements Library {
  static final long LEASE_MILLIS = 30_000;
  static final String COMPARE_AND_DELETE =
      "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";

  @Override
  public String id() {
    return "floor";
  }

  @Override
  public String configuration() {
    return "Lettuce, one connection: SET NX PX "
        + LEASE_MILLIS / 1000
        + " s (tight retry while busy), EVALSHA compare-and-delete";
  }

  @Override
  public Client open(RedisTarget redis, String clientName) {
    // The same I/O thread counts as redmutex's driver, so that the two compare like for like.
    ClientResources resources =
        DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2).build();
    RedisClient client = RedisClient.create(resources, redis.lettuceUri(clientName));
    StatefulRedisConnection<String, String> connection = client.connect(StringCodec.UTF8);
    RedisCommands<String, String> commands = connection.sync();
    String release = commands.scriptLoad(COMPARE_AND_DELETE);
    SetArgs take = SetArgs.Builder.nx().px(LEASE_MILLIS);
    return new Client() {
      @Override
      public Held acquire(String name) {
        String token = token();
        while (commands.set(name, token, take) == null) {
          Thread.onSpinWait();
        }
        return () -> {
          Long deleted =
              commands.evalsha(release, ScriptOutputType.INTEGER, new String[] {name}, token);
          if (deleted == null || deleted != 1L) {
            throw new IllegalStateException("floor: lock '" + name + "' was lost before release");
          }
        };
      }

      @Override
      public void close() {
        connection.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        resources.shutdown();
      }
    };
  }

  /** 128 random bits in hex: unique per acquisition, which is all the floor needs. */
  static String token() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    return Long.toHexString(random.nextLong()) + ':' + Long.toHexString(random.nextLong());
  }
}
