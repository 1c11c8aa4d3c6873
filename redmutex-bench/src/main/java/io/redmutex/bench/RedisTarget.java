package io.redmutex.bench;

import io.lettuce.core.RedisURI;
import java.net.URI;
import java.net.URISyntaxException;

/**
 * The Redis server every library runs against, in the forms their configurations want.
 *
 * @param uri {@code redis://[:password@]host:port}, as redmutex takes it
 * @param host the host name or address
 * @param port the port
 * @param password the password, or null
 */
record RedisTarget(String uri, String host, int port, String password) {

  /**
   * Parses {@code redis://[[user]:password@]host[:port]}; a user name is ignored (the peers'
   * configurations here take a password only).
   *
   * @throws IllegalArgumentException if it is not a plain {@code redis://} URI
   */
  static RedisTarget parse(String uri) {
    if (!uri.startsWith("redis://")) {
      throw new IllegalArgumentException("--redis takes redis://[:password@]host:port, was " + uri);
    }
    URI parsed;
    try {
      parsed = new URI(uri);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("--redis: malformed URI " + uri + ": " + e.getReason(), e);
    }
    if (parsed.getHost() == null) {
      throw new IllegalArgumentException("--redis: no host in " + uri);
    }
    String userInfo = parsed.getUserInfo(); // decoded
    String password = null;
    if (userInfo != null && !userInfo.isEmpty()) {
      int colon = userInfo.indexOf(':');
      password = colon < 0 ? userInfo : userInfo.substring(colon + 1);
    }
    return new RedisTarget(
        uri,
        parsed.getHost(),
        parsed.getPort() < 0 ? 6379 : parsed.getPort(),
        password == null || password.isEmpty() ? null : password);
  }

  /** A Lettuce URI with this target's password, its connections named {@code clientName}. */
  RedisURI lettuceUri(String clientName) {
    RedisURI.Builder builder = RedisURI.Builder.redis(host, port).withClientName(clientName);
    if (password != null) {
      builder.withPassword(password.toCharArray());
    }
    return builder.build();
  }

  /** {@code host:port}, for reports (never the password). */
  String address() {
    return host + ":" + port;
  }
}
