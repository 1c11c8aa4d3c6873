package io.redmutex.spring;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Where the auto-configured client connects: a URI in the syntax {@link io.redmutex.RedMutex}
 * accepts, the Sentinels' own credentials when they differ, and where the settings came from (for
 * error messages).
 *
 * @param uri the connection URI, credentials percent-encoded
 * @param sentinelUsername the Sentinels' ACL user, or null
 * @param sentinelPassword the Sentinels' password, or null to use the URI's credentials for them
 * @param source what the settings came from, e.g. {@code redmutex.uri}
 */
record RedisTarget(String uri, String sentinelUsername, String sentinelPassword, String source) {

  RedisTarget {
    Objects.requireNonNull(uri, "uri");
    Objects.requireNonNull(source, "source");
  }

  /** A host and port. */
  record Node(String host, int port) {
    @Override
    public String toString() {
      return (host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host)
          + ":"
          + port;
    }
  }

  static RedisTarget standalone(
      String host,
      int port,
      int database,
      String username,
      String password,
      boolean ssl,
      String source) {
    String uri =
        (ssl ? "rediss://" : "redis://")
            + userInfo(username, password)
            + new Node(host, port)
            + (database == 0 ? "" : "/" + database);
    return new RedisTarget(uri, null, null, source);
  }

  static RedisTarget sentinel(
      String master,
      List<Node> sentinels,
      int database,
      String username,
      String password,
      String sentinelUsername,
      String sentinelPassword,
      boolean ssl,
      String source) {
    if (master == null || master.isBlank()) {
      throw new IllegalArgumentException(source + ": the Sentinel master name is not set");
    }
    if (sentinels.isEmpty()) {
      throw new IllegalArgumentException(source + ": no Sentinel node is set");
    }
    String uri =
        (ssl ? "rediss-sentinel://" : "redis-sentinel://")
            + userInfo(username, password)
            + join(sentinels)
            + (database == 0 ? "" : "/" + database)
            + "#"
            + master;
    return new RedisTarget(
        uri, sentinelPassword == null ? null : sentinelUsername, sentinelPassword, source);
  }

  static RedisTarget cluster(
      List<Node> nodes, String username, String password, boolean ssl, String source) {
    if (nodes.isEmpty()) {
      throw new IllegalArgumentException(source + ": no cluster node is set");
    }
    String uri =
        (ssl ? "rediss-cluster://" : "redis-cluster://")
            + userInfo(username, password)
            + join(nodes);
    return new RedisTarget(uri, null, null, source);
  }

  /** Parses {@code host:port} (or {@code [v6]:port}), as in {@code spring.data.redis.*.nodes}. */
  static Node node(String text, String property) {
    String trimmed = text.trim();
    int colon = trimmed.lastIndexOf(':');
    if (colon <= 0 || colon == trimmed.length() - 1) {
      throw new IllegalArgumentException(
          property + ": '" + trimmed + "' is not host:port (e.g. 10.0.0.1:26379)");
    }
    try {
      String host = trimmed.substring(0, colon);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      return new Node(host, Integer.parseInt(trimmed.substring(colon + 1)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          property + ": '" + trimmed + "' has no valid port (e.g. 10.0.0.1:26379)", e);
    }
  }

  /** The URI with any password replaced by {@code ***}, for messages and logs. */
  String redactedUri() {
    int scheme = uri.indexOf("://");
    int at = uri.lastIndexOf('@');
    if (at < scheme) {
      return uri;
    }
    String info = uri.substring(scheme + 3, at);
    int colon = info.indexOf(':');
    return uri.substring(0, scheme + 3)
        + (colon < 0 ? "" : info.substring(0, colon + 1))
        + "***"
        + uri.substring(at);
  }

  @Override
  public String toString() {
    return redactedUri() + " (from " + source + ")";
  }

  private static String join(List<Node> nodes) {
    return nodes.stream().map(Node::toString).collect(Collectors.joining(","));
  }

  /**
   * {@code user:password@}, {@code :password@} or nothing, percent-encoded: a password may hold
   * {@code @ : / %} and spaces. A user name without a password is not sent (Redis has no such
   * login).
   */
  private static String userInfo(String username, String password) {
    if (password == null || password.isEmpty()) {
      return "";
    }
    return (username == null || username.isEmpty() ? "" : encode(username))
        + ":"
        + encode(password)
        + "@";
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
