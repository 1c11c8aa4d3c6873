package io.redmutex.internal;

import io.lettuce.core.RedisURI;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Objects;

/** Parses the connection URIs redmutex accepts, with errors that say what is wrong. */
public final class RedisUris {
  private RedisUris() {}

  /**
   * Parses {@code redis://[[user:]password@]host[:port][/database]} or the same with {@code
   * rediss://} (TLS), for a client whose connections are named {@code clientName}.
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
    if (!scheme.equals("redis") && !scheme.equals("rediss")) {
      throw new IllegalArgumentException(
          "unknown Redis URI scheme '"
              + scheme
              + "' in '"
              + redact(uri)
              + "': use redis:// or rediss:// (TLS)");
    }
    try {
      URI parsed = new URI(uri);
      if (parsed.getHost() == null || parsed.getHost().isEmpty()) {
        throw new IllegalArgumentException("Redis URI has no host: '" + redact(uri) + "'");
      }
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          "malformed Redis URI '" + redact(uri) + "': " + e.getReason(), e);
    }
    try {
      RedisURI parsed = RedisURI.create(uri);
      parsed.setClientName(clientName);
      return parsed;
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "malformed Redis URI '" + redact(uri) + "': " + e.getMessage(), e);
    }
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
