package io.redmutex.internal;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Owner tokens: 128 random bits from {@link SecureRandom}, as 22 characters of URL-safe base64. The
 * generator is a DRBG (NIST SP 800-90A, seeded from the operating system) rather than the platform
 * default, which on Linux reads /dev/urandom on every call: one token per acquire.
 */
final class Tokens {
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  private final SecureRandom random = newRandom();

  private static SecureRandom newRandom() {
    try {
      return SecureRandom.getInstance("DRBG");
    } catch (NoSuchAlgorithmException e) {
      return new SecureRandom(); // every Java 9+ platform has DRBG; keep a safe default anyway
    }
  }

  String next() {
    byte[] bits = new byte[16];
    random.nextBytes(bits);
    return ENCODER.encodeToString(bits);
  }
}
