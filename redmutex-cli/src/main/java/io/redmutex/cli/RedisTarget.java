package io.redmutex.cli;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Which Redis a command talks to: {@code --redis URI}, else {@code $REDMUTEX_URI}, else {@value
 * #DEFAULT_URI}; with {@code $REDIS_PASSWORD} filled in when the URI carries no credentials. Knows
 * the password only to keep it out of everything printed.
 *
 * @param uri the URI to connect with, password included
 * @param source where the URI came from, for messages ({@code --redis}, {@code REDMUTEX_URI}, ...)
 * @param password the password in the URI, or null
 */
record RedisTarget(String uri, String source, String password) {

  static final String DEFAULT_URI = "redis://localhost:6379";
  static final String URI_ENV = "REDMUTEX_URI";
  static final String PASSWORD_ENV = "REDIS_PASSWORD";

  private static final String MASK = "***";

  /** Resolves the target from the {@code --redis} value (null if not given) and the environment. */
  static RedisTarget resolve(String flag, Map<String, String> env) {
    String uri;
    String source;
    if (flag != null) {
      uri = flag;
      source = "--redis";
    } else if (!env.getOrDefault(URI_ENV, "").isBlank()) {
      uri = env.get(URI_ENV).trim();
      source = URI_ENV;
    } else {
      uri = DEFAULT_URI;
      source = "default";
    }
    String password = env.getOrDefault(PASSWORD_ENV, "");
    if (userInfoEnd(uri) < 0 && !password.isEmpty() && uri.contains("://")) {
      int start = uri.indexOf("://") + 3;
      uri =
          uri.substring(0, start)
              + ":"
              + URLEncoder.encode(password, StandardCharsets.UTF_8).replace("+", "%20")
              + "@"
              + uri.substring(start);
      source = source + " + " + PASSWORD_ENV;
    }
    return new RedisTarget(uri, source, passwordIn(uri));
  }

  /**
   * Checks what the Redis client would only report vaguely ("has no host", "Malformed escape
   * pair"): an {@code @} or a raw {@code %} in the password, a port that is not a number.
   *
   * @throws IllegalArgumentException saying what is wrong and how to write it
   */
  RedisTarget check() {
    int scheme = uri.indexOf("://");
    if (scheme < 0) {
      return this; // the library names the accepted schemes
    }
    int at = userInfoEnd(uri);
    if (at >= 0) {
      String userInfo = uri.substring(scheme + 3, at);
      if (userInfo.indexOf('@') >= 0) {
        throw new IllegalArgumentException(
            "the password in Redis URI '"
                + redacted()
                + "' contains '@': percent-encode it as %40, or leave it out of the URI and set $"
                + PASSWORD_ENV);
      }
      if (userInfo.matches(".*%(?![0-9A-Fa-f]{2}).*")) {
        throw new IllegalArgumentException(
            "the password in Redis URI '"
                + redacted()
                + "' contains a '%' not followed by two hex digits: percent-encode it as %25, or"
                + " leave it out of the URI and set $"
                + PASSWORD_ENV);
      }
    }
    String hosts = uri.substring(at >= 0 ? at + 1 : scheme + 3);
    int end = hosts.length();
    for (char c : new char[] {'/', '#', '?'}) {
      int i = hosts.indexOf(c);
      if (i >= 0 && i < end) {
        end = i;
      }
    }
    for (String host : hosts.substring(0, end).split(",")) {
      int colon = host.lastIndexOf(':');
      if (colon >= 0 && !host.startsWith("[") && !host.substring(colon + 1).matches("\\d{1,5}")) {
        throw new IllegalArgumentException(
            "the port '"
                + host.substring(colon + 1)
                + "' in Redis URI '"
                + redacted()
                + "' is not a number (host:port, e.g. localhost:6379)");
      }
    }
    return this;
  }

  /** The URI with its password masked: safe to print. */
  String redacted() {
    return redact(uri);
  }

  /** {@code text} with every occurrence of the password (raw or percent-encoded) masked. */
  String scrub(String text) {
    if (text == null || password == null || password.isEmpty()) {
      return text;
    }
    String decoded = decode(password);
    String encoded = URLEncoder.encode(decoded, StandardCharsets.UTF_8);
    return text.replace(password, MASK)
        .replace(decoded, MASK)
        .replace(encoded, MASK)
        .replace(encoded.replace("+", "%20"), MASK);
  }

  private static String decode(String percentEncoded) {
    try {
      return URLDecoder.decode(percentEncoded.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException malformed) {
      return percentEncoded;
    }
  }

  /** The URI with any password replaced by {@code ***}. */
  static String redact(String uri) {
    int at = userInfoEnd(uri);
    if (at < 0) {
      return uri;
    }
    int start = uri.indexOf("://") + 3;
    String userInfo = uri.substring(start, at);
    int colon = userInfo.indexOf(':');
    String user = colon < 0 ? "" : userInfo.substring(0, colon + 1);
    return uri.substring(0, start) + user + MASK + uri.substring(at);
  }

  /** The password of {@code [user:]password@}, raw as written in the URI, or null. */
  private static String passwordIn(String uri) {
    int at = userInfoEnd(uri);
    if (at < 0) {
      return null;
    }
    String userInfo = uri.substring(uri.indexOf("://") + 3, at);
    String password = userInfo.substring(userInfo.indexOf(':') + 1);
    return password.isEmpty() ? null : password;
  }

  /** Index of the {@code @} ending the user info, or -1 when the URI has none. */
  private static int userInfoEnd(String uri) {
    int scheme = uri.indexOf("://");
    int at = uri.lastIndexOf('@');
    return scheme < 0 || at < scheme ? -1 : at;
  }
}
