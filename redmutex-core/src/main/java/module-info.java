/** redmutex: a distributed mutex on Redis. Only {@code io.redmutex} is API. */
module io.redmutex {
  exports io.redmutex;

  requires lettuce.core;
  requires org.slf4j;
}
