package io.redmutex.internal;

/**
 * The answer of one take: either acquired with a fencing token, or busy with the holder's remaining
 * time to live ({@code -1} = the key has no TTL, {@code -2} = it vanished meanwhile) and whether
 * the holder will announce its release (a redmutex client does; other libraries do not).
 */
record TakeResult(
    boolean acquired, long fencingToken, long holderTtlMillis, boolean holderAnnounces) {

  static TakeResult acquired(long fencingToken) {
    return new TakeResult(true, fencingToken, 0, false);
  }

  static TakeResult busy(long holderTtlMillis, boolean holderAnnounces) {
    return new TakeResult(false, 0, holderTtlMillis, holderAnnounces);
  }
}
