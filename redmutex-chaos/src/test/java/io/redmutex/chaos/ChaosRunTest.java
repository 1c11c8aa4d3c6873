package io.redmutex.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * One real, short run of the pause scenario: worker JVMs, SIGSTOP past the lease, the register on a
 * Redis of its own. The fenced register must come out intact, and the unfenced one must show what
 * the pause did (the calibration): a harness that finds nothing here proves nothing elsewhere.
 */
class ChaosRunTest {

  @Test
  void pauseProcess_fencedRegisterIntact_unfencedRegisterDamaged() {
    Scenario pause =
        Scenarios.all(true).stream()
            .filter(s -> s.name().equals("pause-process"))
            .findFirst()
            .orElseThrow();

    ScenarioRunner.RunResult result = ScenarioRunner.run(pause, 1, 20240601L);

    assertThat(result.error()).isNull();
    Findings f = result.findings();
    assertThat(result.faults()).isEqualTo(pause.faults());
    assertThat(f.leases()).isPositive();
    assertThat(f.examples()).isEmpty();
    assertThat(f.mustHoldViolations()).isZero();
    assertThat(f.unfencedViolations()).isPositive();
    assertThat(f.staleAccessesRejected()).isPositive();
    assertThat(f.leasesReportedLost()).isPositive();
  }
}
