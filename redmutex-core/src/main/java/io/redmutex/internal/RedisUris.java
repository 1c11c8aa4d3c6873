package io.redmutex.internal;

import io.lettuce.core.RedisCredentialsProvider;
import io.lettuce.core.RedisURI;
import io.lettuce.core.StaticCredentialsProvider;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/** Parses the connection URIs redmutex accepts, with errors that say what is wrong. */
public final class RedisUris {
  private RedisUris() {}

  /**
   * Parses {@code redis://[[user:]password@]host[:port][/database]}, the same with {@code
   * rediss://} (TLS), or {@code
   * redis-sentinel://[[user:]password@]host[:port][,host[:port]...][/database]#master}, for a
   * client whose connections are named {@code clientName}. With Sentinels, the credentials apply to
   * the Sentinels and the data nodes alike (as in the Bitnami chart) unless {@link
   * #withSentinelCredentials} says otherwise.
   *
   * @throws NullPointerException if {@code uri} is null
   * @throws IllegalArgumentException for an unknown scheme or a malformed URI
   */
  public static RedisURI parse(String uri, String clientName) {
    Objects.requireNonNull(uri, "Redis URI must not be null");
    if (uri.isBlank()) {
      throw new IllegalArgumentException("Redis URI must not be empty");
    }
    int colon = uri.indexOf("://");
    if (colon <= 0) {
      throw new IllegalArgumentException(
          "Redis URI must start with redis:// or rediss://, was '" + redact(uri) + "'");
    }
    String scheme = uri.substring(0, colon).toLowerCase(Locale.ROOT);
    boolean sentinel = scheme.equals("redis-sentinel") || scheme.equals("rediss-sentinel");
    if (!scheme.equals("redis") && !scheme.equals("rediss") && !sentinel) {
      if (isCluster(uri)) {
        return parseCluster(uri, clientName).get(0);
      }
      if (isRedlock(uri)) {
        return parseRedlock(uri, clientName).get(0);
      }
      throw new IllegalArgumentException(
          "unknown Redis URI scheme '"
              + scheme
              + "' in '"
              + redact(uri)
              + "': use redis://, rediss:// (TLS), redis-sentinel://, redis-cluster:// or redlock://");
    }
    if (!sentinel) {
      try {
        URI parsed = new URI(uri);
        if (parsed.getHost() == null || parsed.getHost().isEmpty()) {
          throw new IllegalArgumentException("Redis URI has no host: '" + redact(uri) + "'");
        }
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException(
            "malformed Redis URI '" + redact(uri) + "': " + e.getReason(), e);
      }
    }
    if (sentinel && (uri.indexOf('#') < 0 || uri.endsWith("#"))) {
      throw new IllegalArgumentException(
          "Sentinel URI '"
              + redact(uri)
              + "' names no master: add it after '#', e.g. redis-sentinel://host:26379#mymaster");
    }
    RedisURI parsed;
    try {
      parsed = RedisURI.create(uri);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "malformed Redis URI '" + redact(uri) + "': " + e.getMessage(), e);
    }
    parsed.setClientName(clientName);
    if (sentinel) {
      if (parsed.getSentinelMasterId() == null || parsed.getSentinelMasterId().isEmpty()) {
        throw new IllegalArgumentException(
            "Sentinel URI '"
                + redact(uri)
                + "' names no master: add it after '#', e.g. redis-sentinel://host:26379#mymaster");
      }
      if (parsed.getSentinels().isEmpty()) {
        throw new IllegalArgumentException("Sentinel URI '" + redact(uri) + "' names no Sentinel");
      }
      withSentinelCredentials(parsed, parsed.getCredentialsProvider());
    }
    return parsed;
  }

  /**
   * Whether {@code uri} names a Redis Cluster: {@code redis-cluster://} or {@code
   * rediss-cluster://}.
   */
  public static boolean isCluster(String uri) {
    String lower = uri.toLowerCase(Locale.ROOT);
    return lower.startsWith("redis-cluster://") || lower.startsWith("rediss-cluster://");
  }

  /**
   * Parses {@code redis-cluster://[[user:]password@]host:port[,host:port...]} (or {@code
   * rediss-cluster://} for TLS) into one URI per seed node, each with the credentials.
   *
   * @throws IllegalArgumentException if malformed
   */
  public static List<RedisURI> parseCluster(String uri, String clientName) {
    Objects.requireNonNull(uri, "Redis URI must not be null");
    if (!isCluster(uri)) {
      throw new IllegalArgumentException(
          "a cluster URI starts with redis-cluster://, was '" + redact(uri) + "'");
    }
    int schemeEnd = uri.indexOf("://");
    String nodeScheme =
        uri.substring(0, schemeEnd).toLowerCase(Locale.ROOT).startsWith("rediss")
            ? "rediss://"
            : "redis://";
    String rest = uri.substring(schemeEnd + 3);
    int slash = rest.indexOf('/');
    if (slash >= 0) {
      rest = rest.substring(0, slash); // a cluster has only database 0
    }
    int at = rest.lastIndexOf('@');
    String userInfo = at < 0 ? "" : rest.substring(0, at + 1);
    String hosts = rest.substring(at + 1);
    if (hosts.isEmpty()) {
      throw new IllegalArgumentException("cluster URI '" + redact(uri) + "' names no node");
    }
    List<RedisURI> seeds = new ArrayList<>();
    for (String host : hosts.split(",")) {
      if (host.isBlank()) {
        throw new IllegalArgumentException("cluster URI '" + redact(uri) + "' has an empty node");
      }
      try {
        RedisURI seed = RedisURI.create(nodeScheme + userInfo + host.trim());
        seed.setClientName(clientName);
        seeds.add(seed);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(
            "malformed node '" + host + "' in cluster URI '" + redact(uri) + "': " + e.getMessage(),
            e);
      }
    }
    return seeds;
  }

  /**
   * Whether {@code uri} names independent masters for Redlock: {@code redlock://} or {@code
   * rediss-redlock://} (TLS).
   */
  public static boolean isRedlock(String uri) {
    String lower = uri.toLowerCase(Locale.ROOT);
    return lower.startsWith("redlock://") || lower.startsWith("rediss-redlock://");
  }

  /**
   * Parses {@code redlock://[[user:]password@]host:port,host:port,host:port[,...][/database]} (or
   * {@code rediss-redlock://} for TLS) into one URI per master, each with the credentials and
   * database: at least three distinct masters.
   *
   * @throws IllegalArgumentException if malformed, with fewer than three masters, or one twice
   */
  public static List<RedisURI> parseRedlock(String uri, String clientName) {
    Objects.requireNonNull(uri, "Redis URI must not be null");
    if (!isRedlock(uri)) {
      throw new IllegalArgumentException(
          "a Redlock URI starts with redlock://, was '" + redact(uri) + "'");
    }
    int schemeEnd = uri.indexOf("://");
    String nodeScheme =
        uri.substring(0, schemeEnd).toLowerCase(Locale.ROOT).startsWith("rediss")
            ? "rediss://"
            : "redis://";
    String rest = uri.substring(schemeEnd + 3);
    int slash = rest.indexOf('/', Math.max(0, rest.lastIndexOf('@')));
    String database = slash < 0 ? "" : rest.substring(slash);
    if (slash >= 0) {
      rest = rest.substring(0, slash);
    }
    int at = rest.lastIndexOf('@');
    String userInfo = at < 0 ? "" : rest.substring(0, at + 1);
    String hosts = rest.substring(at + 1);
    List<RedisURI> masters = new ArrayList<>();
    List<String> seen = new ArrayList<>();
    for (String host : hosts.split(",", -1)) {
      if (host.isBlank()) {
        throw new IllegalArgumentException(
            "Redlock URI '" + redact(uri) + "' has an empty master address");
      }
      RedisURI master;
      try {
        master = RedisURI.create(nodeScheme + userInfo + host.trim() + database);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(
            "malformed master '"
                + host
                + "' in Redlock URI '"
                + redact(uri)
                + "': "
                + e.getMessage(),
            e);
      }
      String address = master.getHost() + ":" + master.getPort();
      if (seen.contains(address)) {
        throw new IllegalArgumentException(
            "Redlock URI '"
                + redact(uri)
                + "' names master "
                + address
                + " twice: it would count twice toward the majority");
      }
      seen.add(address);
      master.setClientName(clientName);
      masters.add(master);
    }
    if (masters.size() < 3) {
      throw new IllegalArgumentException(
          "Redlock URI '"
              + redact(uri)
              + "' names "
              + masters.size()
              + " master(s): Redlock needs at least 3 independent masters (a majority must"
              + " survive one failure); for one master use redis://");
    }
    return masters;
  }

  /** Sets the credentials used to authenticate to the Sentinels of {@code uri}. */
  static void withSentinelCredentials(RedisURI uri, RedisCredentialsProvider credentials) {
    for (RedisURI sentinel : uri.getSentinels()) {
      if (credentials != null) {
        sentinel.setCredentialsProvider(credentials);
      }
      sentinel.setClientName(uri.getClientName());
    }
  }

  /**
   * Sets separate Sentinel credentials (when the Sentinels' password differs from the data nodes');
   * {@code username} may be null.
   */
  public static void withSentinelCredentials(RedisURI uri, String username, char[] password) {
    withSentinelCredentials(uri, new StaticCredentialsProvider(username, password));
  }

  /** The URI with any password replaced by {@code ***}, for messages and logs. */
  public static String redact(String uri) {
    int scheme = uri.indexOf("://");
    int at = uri.lastIndexOf('@');
    if (scheme < 0 || at < scheme) {
      return uri;
    }
    String userInfo = uri.substring(scheme + 3, at);
    int colon = userInfo.indexOf(':');
    String user = colon < 0 ? "" : userInfo.substring(0, colon + 1);
    return uri.substring(0, scheme + 3) + user + "***" + uri.substring(at);
  }
}
