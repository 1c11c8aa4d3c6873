package io.redmutex.testkit;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** The credentials part of the URIs the kit hands out. */
final class UriAuth {
  private UriAuth() {}

  /**
   * {@code ""} without a password, else {@code ":PASSWORD@"} percent-encoded. The empty user name
   * before the colon tells Lettuce (and redis-py, Jedis) that what follows is a password, even one
   * containing a colon.
   */
  static String of(String password) {
    return password == null ? "" : ":" + encode(password) + "@";
  }

  /** Percent-encodes {@code text} for a URI (a space as {@code %20}, not {@code +}). */
  static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
