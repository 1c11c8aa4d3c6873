/** The redmutex lock dashboard: a live page of a deployment's locks. Only the API is exported. */
module io.redmutex.dashboard {
  exports io.redmutex.dashboard;

  requires transitive io.redmutex;
  requires jdk.httpserver;
}
