package io.redmutex.bench;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.StringCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.HdrHistogram.Histogram;

/** The benchmark's own connection to Redis, for what it observes: clients, memory, version. */
final class RedisAdmin implements AutoCloseable {
  static final String CLIENT_NAME = "bench-admin";

  private final RedisClient client;
  private final StatefulRedisConnection<String, String> connection;
  private final RedisCommands<String, String> commands;

  RedisAdmin(RedisTarget redis) {
    this.client = RedisClient.create(redis.lettuceUri(CLIENT_NAME));
    this.connection = client.connect(StringCodec.UTF8);
    this.commands = connection.sync();
  }

  String version() {
    return infoField(commands.info("server"), "redis_version");
  }

  /** {@code INFO section}, as text. */
  String info(String section) {
    return commands.info(section);
  }

  long usedMemory() {
    return Long.parseLong(infoField(commands.info("memory"), "used_memory"));
  }

  void flushAll() {
    commands.flushall();
  }

  /** The {@code name=} of every connected client (empty for unnamed ones), this one included. */
  List<String> clientNames() {
    List<String> names = new ArrayList<>();
    for (String line : commands.clientList().split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      String name =
          Arrays.stream(line.trim().split(" "))
              .filter(field -> field.startsWith("name="))
              .map(field -> field.substring("name=".length()))
              .findFirst()
              .orElse("");
      names.add(name);
    }
    return names;
  }

  long connectionsNamed(String name) {
    return clientNames().stream().filter(name::equals).count();
  }

  /**
   * The median round trip of {@code PING} on this connection, in microseconds, measured over {@code
   * pings} pings after as many unmeasured ones (so that the JIT has compiled the path).
   */
  double pingMicros(int pings) {
    for (int i = 0; i < pings; i++) {
      commands.ping();
    }
    Histogram latency = Latency.histogram();
    for (int i = 0; i < pings; i++) {
      long t0 = System.nanoTime();
      commands.ping();
      Latency.record(latency, System.nanoTime() - t0);
    }
    return Latency.micros(latency, 50);
  }

  static String infoField(String info, String field) {
    for (String line : info.split("\r?\n")) {
      if (line.startsWith(field + ":")) {
        return line.substring(field.length() + 1).trim();
      }
    }
    throw new IllegalStateException("INFO has no field " + field);
  }

  @Override
  public void close() {
    connection.close();
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
  }
}
