/** redmutex: a distributed mutex on Redis. Only {@code io.redmutex} is API. */
// "module": the dashboard, exported to below, is built after this module.
@SuppressWarnings("module")
module io.redmutex {
  exports io.redmutex;
  // The dashboard shows a semaphore's state in the CLI's words (PermitsState); not API.
  exports io.redmutex.internal to
      io.redmutex.dashboard;

  // Transitive: the builder accepts Lettuce ClientResources (one event loop per application).
  requires transitive lettuce.core;
  requires org.slf4j;
}
