package io.redmutex.testkit;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.ProtocolKeyword;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Short-lived admin connections to test servers: one command per connection, through one Lettuce
 * client shared by the JVM (its event-loop threads are daemons, so it needs no shutdown).
 */
final class AdminClient {

  private AdminClient() {}

  private static final class Holder {
    static final RedisClient CLIENT = createClient();

    private static RedisClient createClient() {
      RedisClient client = RedisClient.create();
      client.setOptions(
          ClientOptions.builder()
              .autoReconnect(false)
              .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
              .build());
      return client;
    }
  }

  /**
   * Runs one command and returns its reply as {@link ReplyOutput} assembles it.
   *
   * @throws io.lettuce.core.RedisException if the server cannot be reached, times out, or answers
   *     with an error
   */
  static Object call(RedisURI uri, String... command) {
    if (command.length == 0 || command[0].isBlank()) {
      throw new IllegalArgumentException("command must name a Redis command");
    }
    CommandArgs<String, String> args = new CommandArgs<>(StringCodec.UTF8);
    for (int i = 1; i < command.length; i++) {
      args.add(command[i]);
    }
    for (int attempt = 1; ; attempt++) {
      try (StatefulRedisConnection<String, String> connection = Holder.CLIENT.connect(uri)) {
        return connection.sync().dispatch(new Keyword(command[0]), new ReplyOutput(), args);
      } catch (RedisException e) {
        // On a loaded machine Lettuce can hand out a connection whose endpoint is not active yet;
        // with REJECT_COMMANDS it then refuses the command before writing it ("Currently not
        // connected"). Nothing reached the server, so a new connection may try again.
        if (attempt == 3 || !String.valueOf(e.getMessage()).startsWith(NOT_CONNECTED)) {
          throw e;
        }
      }
    }
  }

  private static final String NOT_CONNECTED = "Currently not connected";

  /**
   * A command name sent as given. Lettuce's own {@code CommandType} is avoided on purpose: it makes
   * Lettuce track connection state (AUTH, SELECT, CLIENT SETNAME) that an admin call should not
   * touch.
   */
  private record Keyword(String command) implements ProtocolKeyword {

    Keyword {
      command = command.toUpperCase(Locale.ROOT);
    }

    @Override
    public byte[] getBytes() {
      return command.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
      return command;
    }
  }
}
