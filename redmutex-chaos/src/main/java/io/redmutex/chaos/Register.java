package io.redmutex.chaos;

import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The guarded registers, one pair per lock, on a Redis of their own that no fault touches: a
 * {@linkplain Mode#FENCED fenced} one that rejects any access whose fencing token is smaller than
 * the largest it has seen (reads raise that mark too), and an {@linkplain Mode#UNFENCED unfenced}
 * one that accepts everything. Both append every accepted write to a log, the ground truth the
 * checker compares the clients' view with. One connection per client, which Lettuce multiplexes:
 * the threads of one client share it.
 */
final class Register implements AutoCloseable {

  enum Mode {
    FENCED("fenced-read.lua", "fenced-write.lua"),
    UNFENCED("unfenced-read.lua", "unfenced-write.lua");

    private final String readScript;
    private final String writeScript;

    Mode(String readScript, String writeScript) {
      this.readScript = readScript;
      this.writeScript = writeScript;
    }

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** A register's answer: accepted with the value read or the log length, or rejected (mark). */
  record Reply(boolean accepted, long value) {}

  /** One accepted write, as the register logged it. */
  record LoggedWrite(long token, long value, int client) {}

  /** What a register holds at the end of a run. */
  record FinalState(long value, List<LoggedWrite> log) {}

  private final StatefulRedisConnection<String, String> connection;
  private final RedisCommands<String, String> commands;
  private final String[][] shas = new String[Mode.values().length][2];

  Register(RedisClient client) {
    this.connection = client.connect();
    this.commands = connection.sync();
    for (Mode mode : Mode.values()) {
      shas[mode.ordinal()][0] = commands.scriptLoad(script(mode.readScript));
      shas[mode.ordinal()][1] = commands.scriptLoad(script(mode.writeScript));
    }
  }

  /**
   * Reads the register guarding {@code lock}.
   *
   * @throws io.lettuce.core.RedisException if the outcome is unknown (timeout, connection lost)
   */
  Reply read(Mode mode, String lock, long token) {
    return reply(
        commands.evalsha(
            shas[mode.ordinal()][0],
            ScriptOutputType.MULTI,
            new String[] {valueKey(mode, lock), markKey(lock)},
            Long.toString(token)));
  }

  /**
   * Writes {@code value} to the register guarding {@code lock}.
   *
   * @throws io.lettuce.core.RedisException if the outcome is unknown (timeout, connection lost)
   */
  Reply write(Mode mode, String lock, long token, long value, int client) {
    String[] keys =
        mode == Mode.FENCED
            ? new String[] {valueKey(mode, lock), markKey(lock), logKey(mode, lock)}
            : new String[] {valueKey(mode, lock), logKey(mode, lock)};
    return reply(
        commands.evalsha(
            shas[mode.ordinal()][1],
            ScriptOutputType.MULTI,
            keys,
            Long.toString(token),
            Long.toString(value),
            Integer.toString(client)));
  }

  /** The register's value and log, read after the run. */
  FinalState finalState(Mode mode, String lock) {
    String value = commands.get(valueKey(mode, lock));
    List<LoggedWrite> log = new ArrayList<>();
    for (String entry : commands.lrange(logKey(mode, lock), 0, -1)) {
      String[] f = entry.split(" ");
      log.add(new LoggedWrite(Long.parseLong(f[0]), Long.parseLong(f[1]), Integer.parseInt(f[2])));
    }
    return new FinalState(value == null ? 0 : Long.parseLong(value), log);
  }

  @Override
  public void close() {
    connection.close();
  }

  private static Reply reply(List<Object> reply) {
    return new Reply(((Long) reply.get(0)) == 1L, Long.parseLong((String) reply.get(1)));
  }

  private static String valueKey(Mode mode, String lock) {
    return "chaos:{" + lock + "}:" + mode.label() + ":value";
  }

  private static String logKey(Mode mode, String lock) {
    return "chaos:{" + lock + "}:" + mode.label() + ":log";
  }

  private static String markKey(String lock) {
    return "chaos:{" + lock + "}:fenced:mark";
  }

  private static String script(String name) {
    try (InputStream in = Register.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
