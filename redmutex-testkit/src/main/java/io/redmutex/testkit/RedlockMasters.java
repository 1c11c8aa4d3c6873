package io.redmutex.testkit;

import java.io.Closeable;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Independent Redis masters for Redlock ({@code redlock://}): no replication between them, each its
 * own {@link RedisServer} (so each can be killed, restarted empty, paused or partitioned on its
 * own), all with the same password.
 *
 * <pre>{@code
 * try (RedlockMasters masters = RedlockMasters.start(3, "s3cret")) {
 *   RedMutex mutex = RedMutex.connect(masters.uri()); // redlock://:s3cret@127.0.0.1:p1,...
 *   masters.get(0).restart(); // a minority restarted empty
 * }
 * }</pre>
 */
public final class RedlockMasters implements Closeable {
  private final List<RedisServer> masters;
  private final String password;

  private RedlockMasters(List<RedisServer> masters, String password) {
    this.masters = List.copyOf(masters);
    this.password = password;
  }

  /**
   * Starts {@code count} masters with {@code password} (null for none).
   *
   * @param count how many masters
   * @param password the password of every master, or null for none
   * @return the started masters
   */
  public static RedlockMasters start(int count, String password) {
    return start(
        count,
        password,
        () -> {
          RedisServer.Builder builder = RedisServer.builder();
          if (password != null) {
            builder.password(password);
          }
          return builder.start();
        });
  }

  /**
   * Starts {@code count} masters made by {@code factory}, which must all use {@code password}.
   *
   * @param count how many masters
   * @param password the password of every master, or null for none
   * @param factory makes each master; each must use {@code password}
   * @return the started masters
   */
  public static RedlockMasters start(int count, String password, Supplier<RedisServer> factory) {
    if (count < 1) {
      throw new IllegalArgumentException("count must be positive, was " + count);
    }
    List<RedisServer> started = new ArrayList<>();
    try {
      for (int i = 0; i < count; i++) {
        started.add(factory.get());
      }
    } catch (RuntimeException e) {
      started.forEach(RedisServer::close);
      throw e;
    }
    return new RedlockMasters(started, password);
  }

  /** {@return the masters, in URI order} */
  public List<RedisServer> masters() {
    return masters;
  }

  /**
   * {@return the master at {@code index}, in URI order}
   *
   * @param index from 0 to {@link #size()} - 1
   */
  public RedisServer get(int index) {
    return masters.get(index);
  }

  /** {@return how many masters there are} */
  public int size() {
    return masters.size();
  }

  /** {@return {@code redlock://[:password@]127.0.0.1:p1,127.0.0.1:p2,...}} */
  public String uri() {
    return uri(masters.stream().map(m -> m.host() + ":" + m.port()).toList());
  }

  /**
   * A {@code redlock://} URI with this set's password over {@code addresses} ({@code host:port}
   * each), e.g. TCP proxies in front of the masters.
   *
   * @param addresses {@code host:port} of each master
   * @return the URI
   */
  public String uri(List<String> addresses) {
    return "redlock://" + UriAuth.of(password) + String.join(",", addresses);
  }

  /**
   * Runs {@code args} on every master; the replies, one line each.
   *
   * @param args the command and its arguments
   * @return the replies, one line each
   */
  public String commandOnAll(String... args) {
    return masters.stream().map(m -> m.command(args)).collect(Collectors.joining("\n"));
  }

  @Override
  public void close() {
    masters.forEach(RedisServer::close);
  }
}
