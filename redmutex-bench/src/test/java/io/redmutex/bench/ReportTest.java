package io.redmutex.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The reports' contents. JSON is read back with Jackson, which comes with Redisson. */
class ReportTest {
  private static final List<String> LIBRARIES =
      List.of("redmutex", "redisson", "spring-integration", "spring-integration-pubsub", "floor");

  @Test
  void json_followsTheSchemaOfIssue5() throws Exception {
    JsonNode json = new ObjectMapper().readTree(JsonReport.render(fullReport()));

    assertThat(json.get("redis_version").asText()).isEqualTo("7.0.15");
    List<String> seen = new ArrayList<>();
    for (JsonNode row : json.get("scenarios")) {
      String name = row.get("name").asText();
      seen.add(name + "/" + row.get("library").asText());
      List<String> fields = new ArrayList<>();
      row.fieldNames().forEachRemaining(fields::add);
      if (name.equals("footprint")) {
        assertThat(fields)
            .containsExactly("name", "library", "connections", "threads", "bytes_per_lock");
        assertThat(row.get("connections").isIntegralNumber()).isTrue();
        assertThat(row.get("bytes_per_lock").isNumber()).isTrue();
      } else {
        assertThat(fields)
            .containsExactly("name", "library", "threads", "ops_per_sec", "p50_us", "p99_us");
        assertThat(row.get("ops_per_sec").isNumber()).isTrue();
      }
    }
    List<String> expected = new ArrayList<>();
    for (String scenario : List.of("uncontended", "parallel", "contended", "footprint")) {
      LIBRARIES.forEach(l -> expected.add(scenario + "/" + l));
    }
    assertThat(seen).containsExactlyElementsOf(expected);
  }

  @Test
  void json_writesUnmeasurableFiguresAsNullAndEscapesText() throws Exception {
    assertThat(JsonReport.number(Double.NaN)).isNull();
    assertThat(JsonReport.number(Double.POSITIVE_INFINITY)).isNull();
    assertThat(JsonReport.number(12.345)).hasToString("12.3");
    Report report = report();
    String library = "a \"b\" \\ c\n\u0001\b\u001b\uD83D\uDE00";
    report.footprint.put(
        library, new FootprintScenario.Run(1, 2, 1, 1, 3, Map.of(), 10_000, Double.NaN, 16));
    JsonNode row = new ObjectMapper().readTree(JsonReport.render(report)).get("scenarios").get(0);
    assertThat(row.get("library").asText()).isEqualTo(library);
    assertThat(row.get("bytes_per_lock").isNull()).isTrue();
  }

  @Test
  void json_oneRowPerLine_figuresToOneDecimal() {
    Report report = report();
    report.uncontended.put(
        "redmutex", new Figures.Throughput(1, 3, 1234.56, 0, 0, 0.05, Double.NaN, 0, 30, 10));
    report.contended.put("redmutex", contended(12_345_678.9, 0));
    report.footprint.put(
        "q\"b\\n\n\u0001\uD83D\uDE00",
        new FootprintScenario.Run(1, 2, 1, 1, 3, Map.of(), 10_000, 1e20, 16));

    assertThat(JsonReport.render(report))
        .isEqualTo(
            """
            {"redis_version": "7.0.15", "scenarios": [
              {"name": "uncontended", "library": "redmutex", "threads": 1, \
            "ops_per_sec": 1234.6, "p50_us": 0.1, "p99_us": null},
              {"name": "contended", "library": "redmutex", "threads": 16, \
            "ops_per_sec": 12345678.9, "p50_us": 100.0, "p99_us": 400.0},
              {"name": "footprint", "library": "q\\"b\\\\n\\n\\u0001\uD83D\uDE00", \
            "connections": 2, "threads": 3, "bytes_per_lock": 100000000000000000000.0}
            ]}
            """);
  }

  @Test
  void markdown_showsEveryLibraryRatiosAndTheMachine() {
    String markdown = MarkdownReport.render(fullReport(), "./redmutex-bench/run --quick");

    assertThat(markdown)
        .contains("Machine: 2 cores", "Redis 7.0.15", "`./redmutex-bench/run --quick`");
    for (String library : LIBRARIES) {
      assertThat(markdown).contains("| " + library + " | ");
    }
    // redmutex 2,000 ops/s against redisson 1,000: 2.00×; against the floor 4,000: 0.50×.
    assertThat(markdown).contains("| uncontended ops/s | 2.00× | 2.00× | 2.00× | 0.50× |");
    assertThat(markdown).contains("✗ uncontended ≥ 0.9× floor (0.50×)");
    assertThat(markdown).contains("✓ uncontended ≥ 1.2× redisson (2.00×)");
    assertThat(markdown)
        .contains(
            "✓ uncontended ≥ spring-integration-pubsub (2.00×)",
            "✗ uncontended ≥ 0.95× floor (0.50×)",
            "✗ parallel ≥ 0.9× floor (0.50×)",
            "✓ parallel Redis CPU per op ≤ 1.2× floor (1.00×)",
            "✓ ≤ 300 Redis bytes per held lock (181 B)");
    Report heavier = fullReport();
    heavier.parallel.put(
        "redmutex", new Figures.Throughput(64, 3, 2_000, 2_000, 2_000, 500, 900, 0, 30, 25));
    heavier.footprint.put(
        "redmutex", new FootprintScenario.Run(1, 2, 2, 1, 3, Map.of("t-N", 3), 10_000, 434, 277));
    assertThat(MarkdownReport.render(heavier, "./redmutex-bench/run"))
        .contains(
            "✗ parallel Redis CPU per op ≤ 1.2× floor (2.50×)",
            "✗ ≤ 300 Redis bytes per held lock (434 B)");
    Report justBelow = fullReport();
    justBelow.uncontended.put(
        "redmutex", new Figures.Throughput(1, 3, 3_785, 3_785, 3_785, 50, 90, 0, 30, 10));
    // 3,785 / 4,000 = 0.946: shown as 0.95× it would look met.
    assertThat(MarkdownReport.render(justBelow, "./redmutex-bench/run"))
        .contains("✗ uncontended ≥ 0.95× floor (0.946×)", "✓ uncontended ≥ 0.9× floor (0.95×)");
    assertThat(report().problems()).isNotEmpty(); // an empty report has no figures
    assertThat(fullReport().problems()).isEmpty();
  }

  @Test
  void aLockThatDidNotExclude_isAProblemAndShownLoudly() {
    Report report = fullReport();
    report.contended.put("floor", contended(1_000, 3));

    assertThat(report.problems()).anyMatch(p -> p.contains("MUTUAL EXCLUSION VIOLATED"));
    assertThat(MarkdownReport.render(report, "run")).contains("**NO: 3 overlaps, 3 lost updates**");
  }

  @Test
  void aFailedRun_isAProblemAndARowThatSaysWhy() {
    Report report = fullReport();
    report.parallel.remove("redisson");
    report.failed(Scenario.PARALLEL, "redisson", "java.lang.IllegalStateException: boom");

    assertThat(report.problems()).anyMatch(p -> p.startsWith("parallel/redisson failed"));
    assertThat(MarkdownReport.render(report, "run"))
        .contains("| redisson | **failed**: java.lang.IllegalStateException: boom |");
  }

  private static Report report() {
    Report report =
        new Report(
            new Machine(2, "Test CPU", "Test JDK", "Test OS", "7.0.15", "test", 25), Mode.SMOKE);
    LIBRARIES.forEach(l -> report.libraries.put(l, "configured for the test"));
    return report;
  }

  private static Report fullReport() {
    Report report = report();
    Map<String, Double> speed =
        Map.of(
            "redmutex", 2_000.0,
            "redisson", 1_000.0,
            "spring-integration", 1_000.0,
            "spring-integration-pubsub", 1_000.0,
            "floor", 4_000.0);
    for (String library : LIBRARIES) {
      double ops = speed.get(library);
      report.uncontended.put(
          library, new Figures.Throughput(1, 3, ops, ops, ops, 50, 90, 0, 30, 10));
      report.parallel.put(
          library, new Figures.Throughput(64, 3, ops, ops, ops, 500, 900, 0, 30, 10));
      report.contended.put(library, contended(ops, 0));
      report.footprint.put(
          library, new FootprintScenario.Run(1, 2, 2, 1, 3, Map.of("t-N", 3), 10_000, 180.5, 16));
    }
    return report;
  }

  private static Figures.Contended contended(double acquisitions, long violations) {
    return new Figures.Contended(
        16,
        3,
        acquisitions,
        acquisitions * 0.8,
        0.2,
        100,
        400,
        0.8,
        1.2,
        new double[] {0.5, 0.5},
        0,
        violations,
        violations,
        0,
        30,
        10);
  }
}
