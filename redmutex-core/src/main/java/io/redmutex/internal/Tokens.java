package io.redmutex.internal;

import java.security.SecureRandom;
import java.util.Base64;

/** Owner tokens: 128 random bits from {@link SecureRandom}, as 22 characters of URL-safe base64. */
final class Tokens {
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  private final SecureRandom random = new SecureRandom();

  String next() {
    byte[] bits = new byte[16];
    random.nextBytes(bits);
    return ENCODER.encodeToString(bits);
  }
}
