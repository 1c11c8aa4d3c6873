package io.redmutex.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class WorkloadTest {

  @Test
  void workerArguments_carryTheWholeWorkload() {
    for (Scenario scenario : Scenarios.all(false)) {
      Map<String, String> args = new HashMap<>();
      for (String arg : scenario.workload().toArgs()) {
        args.put(arg.substring(0, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
      }

      assertThat(Workload.fromArgs(args)).isEqualTo(scenario.workload());
    }
  }

  @Test
  void holds_followTheSeed_andStayInTheirRanges() {
    Workload.Holds holds = new Workload.Holds(5, 30, 0.3, 5000, 7000);
    Random a = new Random(42);
    Random b = new Random(42);
    int longOnes = 0;
    for (int i = 0; i < 1000; i++) {
      long hold = holds.next(a);
      assertThat(holds.next(b)).isEqualTo(hold);
      assertThat(hold)
          .satisfiesAnyOf(
              h -> assertThat(h).isBetween(5L, 30L), h -> assertThat(h).isBetween(5000L, 7000L));
      if (hold >= 5000) {
        longOnes++;
      }
    }
    assertThat(longOnes).isBetween(200, 400);
  }

  @Test
  void runSeeds_dependOnScenarioAndRun_notOnWhichOtherScenariosRan() {
    assertThat(ScenarioRunner.runSeed(7, "restart", 1))
        .isEqualTo(ScenarioRunner.runSeed(7, "restart", 1));
    assertThat(ScenarioRunner.runSeed(7, "restart", 1))
        .isNotEqualTo(ScenarioRunner.runSeed(7, "restart", 2));
    assertThat(ScenarioRunner.runSeed(7, "restart", 1))
        .isNotEqualTo(ScenarioRunner.runSeed(7, "partition", 1));
    assertThat(ScenarioRunner.runSeed(7, "restart", 1))
        .isNotEqualTo(ScenarioRunner.runSeed(8, "restart", 1));
  }
}
