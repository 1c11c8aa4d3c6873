package io.redmutex.chaos;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * One nemesis against one topology and workload: what a run of the harness repeats.
 *
 * @param processes whether clients run in worker JVMs (else threads of the harness)
 * @param faults how many faults each run injects
 * @param warmup load before the first fault
 * @param cooldown load after the last fault is healed, before the clients are told to stop
 * @param mustFindUnfencedViolations calibration: the unfenced register must come out damaged (or
 *     overlapping leases be seen) in this scenario, else the harness is not trustworthy
 */
record Scenario(
    String name,
    String summary,
    Topology.Kind topology,
    boolean processes,
    int clients,
    Workload workload,
    Supplier<Nemesis> nemesis,
    int faults,
    Duration warmup,
    Duration cooldown,
    boolean mustFindUnfencedViolations) {}
