package io.redmutex.internal;

/**
 * The answer of one take: either acquired with a fencing token, or busy with the holder's remaining
 * time to live ({@code -1} = the key has no TTL, {@code -2} = it vanished meanwhile) and whether
 * the holder will announce its release (a redmutex client does; other libraries do not). A hand-off
 * also says how many other clients wait for the lock.
 */
record TakeResult(
    boolean acquired,
    long fencingToken,
    long holderTtlMillis,
    boolean holderAnnounces,
    long othersWaiting) {

  static TakeResult acquired(long fencingToken) {
    return new TakeResult(true, fencingToken, 0, false, 0);
  }

  static TakeResult handedOff(long fencingToken, long othersWaiting) {
    return new TakeResult(true, fencingToken, 0, false, othersWaiting);
  }

  static TakeResult busy(long holderTtlMillis, boolean holderAnnounces) {
    return new TakeResult(false, 0, holderTtlMillis, holderAnnounces, 0);
  }
}
