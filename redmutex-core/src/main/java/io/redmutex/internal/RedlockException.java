package io.redmutex.internal;

import io.lettuce.core.RedisException;

/**
 * A Redlock operation that could not reach a decision a majority of masters agrees on: too few
 * masters answered ({@link #noQuorum}), or the majority answered too late for the lease to be valid
 * ({@link #expired}). Nothing is held (what was taken was given back). It counts as transient, like
 * an unreachable Redis: an acquire tries again within its wait, then reports a {@link
 * io.redmutex.RedisUnavailableException} whose message carries this one's; a renewal tries again
 * until the lease's local expiry.
 */
final class RedlockException extends RedisException {
  private static final long serialVersionUID = 1L;

  private RedlockException(String message) {
    super(message);
  }

  /** Fewer than a majority of masters gave a definite answer; {@code detail} names the others. */
  static RedlockException noQuorum(String detail) {
    return new RedlockException("no quorum of Redlock masters: " + detail);
  }

  /** A majority took the lock, but after its validity (lease time − elapsed − drift) ran out. */
  static RedlockException expired(String detail) {
    return new RedlockException("Redlock validity expired: " + detail);
  }
}
