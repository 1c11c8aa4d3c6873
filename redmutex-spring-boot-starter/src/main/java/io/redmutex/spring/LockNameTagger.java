package io.redmutex.spring;

/**
 * Maps a lock name to the value of the {@code name} tag on the {@code redmutex.*} meters; declare
 * one as a bean to tag meters by lock. Keep the set of values small (for example {@code orders:42}
 * to {@code orders}): every distinct value is a new time series. Without such a bean and without
 * {@code redmutex.metrics.lock-names}, meters carry no name tag.
 */
@FunctionalInterface
public interface LockNameTagger {

  /**
   * The tag value for lock {@code name}; never null.
   *
   * @param name the lock name
   * @return the tag value; never null
   */
  String tag(String name);
}
