package io.redmutex.cli;

import io.lettuce.core.SetArgs;
import io.lettuce.core.api.sync.RedisCommands;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.function.BooleanSupplier;

/**
 * The pattern redmutex replaces, for the demo's {@code --unsafe} side: {@code SET key token NX PX
 * ttl} polled until it succeeds, no renewal, no fencing token, and a plain {@code DEL} to give it
 * back, which deletes the lock whoever holds it by then.
 */
final class SeedLock {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final long POLL_MILLIS = 5;

  /** What the plain {@code DEL} of {@link #release} deleted. */
  enum Released {
    /** Our own lock: the lease had not expired. */
    OWN,
    /** Another worker's lock: ours had expired and been taken. Mutual exclusion is now broken. */
    ANOTHER_WORKERS,
    /** Nothing: ours had expired and nobody had taken it. */
    NOTHING
  }

  private final RedisCommands<String, String> redis;
  private final String key;
  private final long leaseMillis;
  private String token;

  SeedLock(RedisCommands<String, String> redis, String key, long leaseMillis) {
    this.redis = redis;
    this.key = key;
    this.leaseMillis = leaseMillis;
  }

  /** Polls {@code SET NX PX} until it succeeds; returns false if {@code keepTrying} turns false. */
  boolean take(BooleanSupplier keepTrying) throws InterruptedException {
    String candidate = HexFormat.of().formatHex(bytes());
    while (keepTrying.getAsBoolean()) {
      if ("OK".equals(redis.set(key, candidate, SetArgs.Builder.nx().px(leaseMillis)))) {
        token = candidate;
        return true;
      }
      Thread.sleep(POLL_MILLIS);
    }
    return false;
  }

  /**
   * The seed's release: {@code DEL}. The {@code GET} before it is only there so the demo can say
   * whose lock the {@code DEL} removed (the seed did not look; the answer can be off if the lock
   * changes hands between the two commands).
   */
  Released release() {
    String holder = redis.get(key);
    redis.del(key);
    if (holder == null) {
      return Released.NOTHING;
    }
    return holder.equals(token) ? Released.OWN : Released.ANOTHER_WORKERS;
  }

  private static byte[] bytes() {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    return bytes;
  }
}
