package io.redmutex.internal;

/**
 * The answer of one take: either acquired with a fencing token, or busy with the holder's remaining
 * time to live ({@code -1} = the key has no TTL, {@code -2} = it vanished meanwhile).
 */
record TakeResult(boolean acquired, long fencingToken, long holderTtlMillis) {

  static TakeResult acquired(long fencingToken) {
    return new TakeResult(true, fencingToken, 0);
  }

  static TakeResult busy(long holderTtlMillis) {
    return new TakeResult(false, 0, holderTtlMillis);
  }
}
