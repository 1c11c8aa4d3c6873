package io.redmutex.internal;

/**
 * The answer of one take: either acquired with a fencing token, or busy with the holder's remaining
 * time to live ({@code -1} = the key has no TTL, {@code -2} = it vanished meanwhile) and whether
 * the holder will announce its release (a redmutex client does; other libraries do not). A hand-off
 * also says how many other clients wait for the lock. {@code clockFenced}: the fencing token is the
 * server's time in microseconds (not the last token + 1), so the holder may issue the next ones
 * locally (see {@link HeldKey#handTo}).
 */
record TakeResult(
    boolean acquired,
    long fencingToken,
    long holderTtlMillis,
    boolean holderAnnounces,
    long othersWaiting,
    boolean clockFenced) {

  static TakeResult acquired(long fencingToken, boolean clockFenced) {
    return new TakeResult(true, fencingToken, 0, false, 0, clockFenced);
  }

  static TakeResult handedOff(long fencingToken, long othersWaiting, boolean clockFenced) {
    return new TakeResult(true, fencingToken, 0, false, othersWaiting, clockFenced);
  }

  static TakeResult busy(long holderTtlMillis, boolean holderAnnounces) {
    return new TakeResult(false, 0, holderTtlMillis, holderAnnounces, 0, false);
  }
}
