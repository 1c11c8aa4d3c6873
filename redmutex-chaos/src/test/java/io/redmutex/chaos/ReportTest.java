package io.redmutex.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ReportTest {

  private static Findings findings(int staleWrites, int overlaps) {
    return new Findings(
        10,
        8,
        8,
        3,
        staleWrites,
        0,
        0,
        0,
        1,
        overlaps,
        0,
        0,
        0,
        0,
        0,
        1,
        List.of(30L, 10L, 20L),
        List.of(),
        List.of());
  }

  private static Scenario scenario(String name, boolean calibration) {
    return Scenarios.all(true).stream()
        .filter(s -> s.name().equals(name))
        .findFirst()
        .map(
            s ->
                new Scenario(
                    s.name(),
                    s.summary(),
                    s.topology(),
                    s.processes(),
                    s.clients(),
                    s.workload(),
                    s.nemesis(),
                    s.faults(),
                    s.warmup(),
                    s.cooldown(),
                    calibration))
        .orElseThrow();
  }

  @Test
  void json_hasExactlyTheFieldsOfIssue6_oneRowPerMode() {
    Report report = new Report();
    report.add(
        scenario("restart", false),
        List.of(
            new ScenarioRunner.RunResult(
                scenario("restart", false), 1, 7, findings(0, 2), 2, null, null)));

    String json = report.json();

    assertThat(json).startsWith("{\"scenarios\": [");
    Matcher row = Pattern.compile("\\{\"name\"[^}]*}").matcher(json);
    int rows = 0;
    while (row.find()) {
      rows++;
      assertThat(row.group())
          .matches(
              "\\{\"name\": \"restart\", \"mode\": \"(fenced|unfenced)\", \"runs\": 1,"
                  + " \"operations\": 18, \"faults\": 2, \"violations\": \\d+,"
                  + " \"lost_leases_reported\": 1, \"recovery_ms_p50\": 20}");
    }
    assertThat(rows).isEqualTo(2);
    assertThat(json)
        .contains(
            "\"mode\": \"unfenced\", \"runs\": 1, \"operations\": 18, \"faults\": 2, \"violations\": 2");
    assertThat(report.passed()).isTrue();
  }

  @Test
  void fencedViolation_failsTheReport() {
    Report report = new Report();
    Scenario s = scenario("restart", false);
    report.add(s, List.of(new ScenarioRunner.RunResult(s, 1, 7, findings(1, 0), 2, null, null)));

    assertThat(report.passed()).isFalse();
    assertThat(report.markdown()).contains("**VIOLATION**");
  }

  @Test
  void calibrationScenarioThatFindsNothing_failsTheReport() {
    Report report = new Report();
    Scenario s = scenario("pause-process", true);
    report.add(s, List.of(new ScenarioRunner.RunResult(s, 1, 7, findings(0, 0), 2, null, null)));

    assertThat(report.passed()).isFalse();
    assertThat(report.markdown()).contains("CALIBRATION FAILED");
  }

  @Test
  void runThatDidNotFinish_failsTheReport() {
    Report report = new Report();
    Scenario s = scenario("restart", false);
    report.add(s, List.of(new ScenarioRunner.RunResult(s, 1, 7, null, 0, "boom", null)));

    assertThat(report.passed()).isFalse();
  }
}
