package io.redmutex.dashboard.internal;

import java.util.Map;

/**
 * One lock, semaphore or read-write lock as one poll saw it.
 *
 * @param id kind and name, unique in a snapshot
 * @param name the name
 * @param kind {@code lock}, {@code semaphore} or {@code read-write lock}
 * @param held whether anyone holds it
 * @param fencingToken the last fencing token stored, 0 if none
 * @param holder the (first) holder's label, or null when unknown
 * @param sinceEpochMillis when the current lock holder took it (Redis time), or null
 * @param ttlMillis the (soonest) holder's time to live, or null
 * @param fields what the page gets, in order (the timeline adds nothing here)
 */
record Row(
    String id,
    String name,
    String kind,
    boolean held,
    long fencingToken,
    String holder,
    Long sinceEpochMillis,
    Long ttlMillis,
    Map<String, Object> fields) {

  static final String LOCK = "lock";
  static final String SEMAPHORE = "semaphore";
  static final String READ_WRITE = "read-write lock";
}
