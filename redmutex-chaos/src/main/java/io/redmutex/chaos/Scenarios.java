package io.redmutex.chaos;

import java.time.Duration;
import java.util.List;

/**
 * The scenarios, one per nemesis of issue 6, in quick (CI) and long variants; the long variant
 * injects more faults per run.
 */
final class Scenarios {
  private static final Duration REGISTER_TIMEOUT = Duration.ofSeconds(2);
  private static final int MAX_GAP_MILLIS = 20;
  private static final int MAX_ITERATIONS = 100_000;

  /**
   * Threads per client in the local-hand-off scenarios: a release then mostly finds a waiter in its
   * own client, and the lock goes from thread to thread there without a round trip (a run of up to
   * eight, then a real release while the other clients wait).
   */
  private static final int LOCAL_THREADS = 4;

  private Scenarios() {}

  static List<Scenario> all(boolean quick) {
    return List.of(
        new Scenario(
            "failover",
            "kill the Sentinel master (SIGKILL), Sentinels fail over",
            Topology.Kind.SENTINEL,
            false,
            4,
            workload(
                List.of("chaos-a", "chaos-b"),
                3000,
                500,
                10_000,
                0,
                new Workload.Holds(5, 30, 0.2, 300, 800)),
            KillMasterNemesis::new,
            quick ? 1 : 2,
            Duration.ofSeconds(1),
            Duration.ofSeconds(3),
            false),
        new Scenario(
            "lost-writes-failover",
            "cut replication, take locks, kill the master, resume replicas: the failover loses them",
            Topology.Kind.SENTINEL,
            false,
            4,
            lostWritesWorkload(0),
            () -> new LostWritesNemesis(7000, Duration.ofSeconds(20)),
            quick ? 1 : 2,
            Duration.ofSeconds(1),
            Duration.ofSeconds(5),
            true),
        new Scenario(
            "lost-writes-failover-wait",
            "the same failover, with waitForReplicas(1, 200 ms): no take succeeds while cut",
            Topology.Kind.SENTINEL,
            false,
            4,
            lostWritesWorkload(1),
            () -> new LostWritesNemesis(7000, Duration.ofSeconds(5)),
            quick ? 1 : 2,
            Duration.ofSeconds(1),
            Duration.ofSeconds(5),
            false),
        new Scenario(
            "pause-process",
            "SIGSTOP a worker JVM mid-update for 2.5-3 lease times, then SIGCONT",
            Topology.Kind.STANDALONE,
            true,
            3,
            workload(
                List.of("chaos-a"), 1000, 300, 5000, 0, new Workload.Holds(5, 30, 0.3, 150, 300)),
            PauseProcessNemesis::new,
            quick ? 2 : 4,
            Duration.ofSeconds(1),
            Duration.ofSeconds(1),
            true),
        new Scenario(
            "local-hand-offs-pause",
            "4 threads per worker JVM on one lock (runs of local hand-offs); SIGSTOP a worker for"
                + " 2.5-3 lease times",
            Topology.Kind.STANDALONE,
            true,
            3,
            workload(
                    List.of("chaos-a"), 1000, 300, 5000, 0, new Workload.Holds(1, 5, 0.3, 150, 300))
                .withThreadsPerClient(LOCAL_THREADS),
            PauseProcessNemesis::new,
            quick ? 2 : 4,
            Duration.ofSeconds(1),
            Duration.ofSeconds(1),
            true),
        new Scenario(
            "local-hand-offs-failover",
            "4 threads per client on one lock (runs of local hand-offs); kill the Sentinel master",
            Topology.Kind.SENTINEL,
            false,
            3,
            workload(
                    List.of("chaos-a"),
                    3000,
                    500,
                    10_000,
                    0,
                    new Workload.Holds(1, 5, 0.2, 300, 800))
                .withThreadsPerClient(LOCAL_THREADS),
            KillMasterNemesis::new,
            quick ? 1 : 2,
            Duration.ofSeconds(1),
            Duration.ofSeconds(3),
            false),
        new Scenario(
            "partition",
            "cut one client off from Redis (TcpProxy reset or blackhole) for 2-3 lease times, heal",
            Topology.Kind.STANDALONE_PROXIED,
            false,
            4,
            workload(
                List.of("chaos-a"), 1500, 300, 6000, 0, new Workload.Holds(5, 30, 0.3, 100, 300)),
            PartitionNemesis::new,
            quick ? 2 : 4,
            Duration.ofSeconds(1),
            Duration.ofSeconds(2),
            false),
        new Scenario(
            "restart",
            "restart Redis without persistence (SIGKILL, start empty) while a lease is held",
            Topology.Kind.STANDALONE,
            false,
            4,
            workload(
                List.of("chaos-a"), 3000, 300, 8000, 0, new Workload.Holds(5, 30, 0.3, 800, 1500)),
            RestartNemesis::new,
            quick ? 2 : 4,
            Duration.ofSeconds(1),
            Duration.ofSeconds(2),
            false),
        new Scenario(
            "script-flush-client-kill",
            "SCRIPT FLUSH and CLIENT KILL TYPE normal|pubsub under load",
            Topology.Kind.STANDALONE,
            false,
            4,
            workload(
                List.of("chaos-a", "chaos-b"),
                1000,
                300,
                5000,
                0,
                new Workload.Holds(2, 20, 0, 0, 0)),
            ScriptFlushNemesis::new,
            quick ? 10 : 30,
            Duration.ofSeconds(1),
            Duration.ofSeconds(1),
            false),
        new Scenario(
            "cluster-failover",
            "Redis Cluster: kill the master of a held lock's slot (SIGKILL), its replica takes over",
            Topology.Kind.CLUSTER,
            false,
            4,
            workload(
                List.of("chaos-a", "chaos-b"),
                3000,
                500,
                10_000,
                0,
                new Workload.Holds(5, 30, 0.2, 300, 800)),
            ClusterKillMasterNemesis::new,
            quick ? 1 : 2,
            Duration.ofSeconds(1),
            Duration.ofSeconds(3),
            false),
        new Scenario(
            "cluster-lost-writes-failover",
            "Redis Cluster: cut the replication of a lock's slot, take it, kill the slot's master",
            Topology.Kind.CLUSTER,
            false,
            4,
            // One lock, so that every other client waits for it, and longer holds than on Sentinel:
            // the slot's failover and the clients' switch to the promoted replica took up to about
            // 5 s here, and the victim must still be about to write by then.
            workload(
                List.of("chaos-a"),
                8000,
                500,
                20_000,
                0,
                new Workload.Holds(5, 30, 0.3, 7000, 9000)),
            () -> new ClusterLostWritesNemesis(7000, Duration.ofSeconds(15)),
            quick ? 1 : 2,
            Duration.ofSeconds(1),
            Duration.ofSeconds(5),
            true),
        new Scenario(
            "cluster-partition",
            "Redis Cluster: cut one client off from every node for 2-3 lease times, heal",
            Topology.Kind.CLUSTER_PROXIED,
            false,
            4,
            workload(
                List.of("chaos-a"), 1500, 300, 6000, 0, new Workload.Holds(5, 30, 0.3, 100, 300)),
            PartitionNemesis::new,
            quick ? 2 : 4,
            Duration.ofSeconds(1),
            Duration.ofSeconds(2),
            false),
        new Scenario(
            "semaphore-pause",
            "semaphores of 2 permits: SIGSTOP a worker JVM holding a permit for 2.5-3 lease"
                + " times, then SIGCONT",
            Topology.Kind.STANDALONE,
            true,
            4,
            withPermits(
                2,
                workload(
                    List.of("chaos-sem"),
                    1000,
                    300,
                    5000,
                    0,
                    new Workload.Holds(5, 30, 0.3, 150, 300))),
            PauseProcessNemesis::new,
            quick ? 2 : 4,
            Duration.ofSeconds(1),
            Duration.ofSeconds(1),
            true),
        new Scenario(
            "read-write-pause",
            "read-write locks, 1 take in 5 a write: SIGSTOP a worker JVM for 2.5-3 lease times,"
                + " then SIGCONT",
            Topology.Kind.STANDALONE,
            true,
            4,
            withPermits(
                Workload.READ_WRITE,
                workload(
                    List.of("chaos-rw"),
                    1000,
                    300,
                    5000,
                    0,
                    new Workload.Holds(5, 30, 0.3, 150, 300))),
            PauseProcessNemesis::new,
            quick ? 2 : 4,
            Duration.ofSeconds(1),
            Duration.ofSeconds(1),
            true),
        redlock(Topology.Kind.REDLOCK_3, "redlock-3", 3, quick),
        redlock(Topology.Kind.REDLOCK_5, "redlock-5", 5, quick));
  }

  private static Workload withPermits(int permits, Workload w) {
    return new Workload(
        w.locks(),
        w.leaseTime(),
        w.commandTimeout(),
        w.waitTimeout(),
        w.waitForReplicas(),
        w.replicaTimeout(),
        w.registerTimeout(),
        w.holds(),
        w.maxGapMillis(),
        w.maxIterations(),
        permits);
  }

  /**
   * Redlock over independent masters: worker JVMs paused past their lease, a minority of masters
   * killed and restarted empty after one lease time, a minority partitioned from every client.
   * Calibration: the pauses must damage the unfenced register; the fenced one must stay intact. The
   * command timeout (also the connect timeout) is 1 s: a worker JVM opens two connections per
   * master at start, on a loaded machine.
   */
  private static Scenario redlock(Topology.Kind kind, String name, int masters, boolean quick) {
    return new Scenario(
        name,
        "Redlock over "
            + masters
            + " masters: SIGSTOP a worker past its lease; kill a minority and restart it empty"
            + " after one lease time; partition a minority",
        kind,
        true,
        3,
        workload(List.of("chaos-a"), 1000, 1000, 6000, 0, new Workload.Holds(5, 30, 0.3, 150, 300)),
        RedlockNemesis::new,
        quick ? 4 : 9,
        Duration.ofSeconds(1),
        Duration.ofSeconds(2),
        true);
  }

  /**
   * Long leases (8 s), long holds (7-9 s, three leases in ten) and one lock: the victim must still
   * believe it holds the lock, and be about to write, when the next holder takes it on the new
   * master; with one lock every other client is waiting for it then. (With two locks, a CI run
   * found nothing: no other client took the victim's lock before the victim wrote.)
   */
  private static Workload lostWritesWorkload(int waitForReplicas) {
    return workload(
        List.of("chaos-a"),
        8000,
        500,
        20_000,
        waitForReplicas,
        new Workload.Holds(5, 30, 0.3, 7000, 9000));
  }

  private static Workload workload(
      List<String> locks,
      long leaseMillis,
      long commandTimeoutMillis,
      long waitMillis,
      int waitForReplicas,
      Workload.Holds holds) {
    return new Workload(
        locks,
        Duration.ofMillis(leaseMillis),
        Duration.ofMillis(commandTimeoutMillis),
        Duration.ofMillis(waitMillis),
        waitForReplicas,
        Duration.ofMillis(200),
        REGISTER_TIMEOUT,
        holds,
        MAX_GAP_MILLIS,
        MAX_ITERATIONS,
        0);
  }
}
