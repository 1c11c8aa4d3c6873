package io.redmutex.bench;

/** The scenarios, by the names the JSON report uses. */
enum Scenario {
  UNCONTENDED("uncontended", "1 thread, acquire + release of one lock in a loop"),
  PARALLEL(
      "parallel",
      ThroughputScenario.PARALLEL_THREADS
          + " threads in 1 client over "
          + String.format("%,d", ThroughputScenario.PARALLEL_NAMES)
          + " names (each thread its own slice), acquire + release"),
  CONTENDED(
      "contended",
      ContendedScenario.THREADS
          + " threads in "
          + ContendedScenario.CLIENTS
          + " clients on 1 lock, a ~1 µs critical section"),
  FOOTPRINT("footprint", "what one client costs: connections, threads, Redis memory per lock");

  private final String id;
  private final String description;

  Scenario(String id, String description) {
    this.id = id;
    this.description = description;
  }

  String id() {
    return id;
  }

  String description() {
    return description;
  }
}
