/** redmutex: a distributed mutex on Redis. Only {@code io.redmutex} is API. */
module io.redmutex {
  exports io.redmutex;

  // Transitive: the builder accepts Lettuce ClientResources (one event loop per application).
  requires transitive lettuce.core;
  requires org.slf4j;
}
