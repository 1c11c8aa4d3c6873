package io.redmutex.bench;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.MinimalPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;

/**
 * The {@code --json} report, in the schema of issue 5:
 *
 * <pre>{@code
 * {"redis_version": "7.0.15", "scenarios": [
 *   {"name": "uncontended", "library": "redmutex", "threads": 1,
 *    "ops_per_sec": 1234.5, "p50_us": 80.0, "p99_us": 250.0},
 *   {"name": "footprint", "library": "redmutex",
 *    "connections": 2, "threads": 1, "bytes_per_lock": 210.5}, ...]}
 * }</pre>
 *
 * For {@code contended}, {@code ops_per_sec} is acquisitions per second over all threads and the
 * latencies are the hand-off latency (release → next holder). A figure that could not be measured
 * is {@code null}. Libraries whose run failed have no row. Written with Jackson (which comes with
 * Redisson), one scenario row per line.
 */
final class JsonReport {
  private JsonReport() {}

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private static final ObjectWriter WRITER = MAPPER.writer(new OneRowPerLine());

  static String render(Report report) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("redis_version", report.machine.redisVersion());
    ArrayNode rows = root.putArray("scenarios");
    for (Scenario scenario : List.of(Scenario.UNCONTENDED, Scenario.PARALLEL)) {
      report
          .throughput(scenario)
          .forEach(
              (library, t) ->
                  latencyRow(
                      rows.addObject(),
                      scenario.id(),
                      library,
                      t.threads(),
                      t.opsPerSecond(),
                      t.p50Micros(),
                      t.p99Micros()));
    }
    report.contended.forEach(
        (library, c) ->
            latencyRow(
                rows.addObject(),
                Scenario.CONTENDED.id(),
                library,
                c.threads(),
                c.acquisitionsPerSecond(),
                c.handOffP50Micros(),
                c.handOffP99Micros()));
    report.permits.forEach(
        f ->
            latencyRow(
                rows.addObject(),
                f.kind(),
                f.library(),
                PermitsScenario.THREADS,
                f.opsPerSecond(),
                f.p50Micros(),
                f.p99Micros()));
    report.footprint.forEach(
        (library, f) ->
            rows.addObject()
                .put("name", Scenario.FOOTPRINT.id())
                .put("library", library)
                .put("connections", f.connections())
                .put("threads", f.threads())
                .put("bytes_per_lock", number(f.bytesPerLock())));
    try {
      return WRITER.writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e); // a tree of strings and numbers always serialises
    }
  }

  private static void latencyRow(
      ObjectNode row,
      String name,
      String library,
      int threads,
      double ops,
      double p50,
      double p99) {
    row.put("name", name)
        .put("library", library)
        .put("threads", threads)
        .put("ops_per_sec", number(ops))
        .put("p50_us", number(p50))
        .put("p99_us", number(p99));
  }

  /** One decimal place, or null for NaN and infinities (which JSON cannot carry). */
  static BigDecimal number(double value) {
    return Double.isFinite(value)
        ? BigDecimal.valueOf(value).setScale(1, RoundingMode.HALF_UP)
        : null;
  }

  /**
   * {@code {"a": 1, "b": [\n {...},\n {...}\n]}}: each element of an array on its own line (the
   * scenario rows, for line tools), everything else on one line.
   */
  private static final class OneRowPerLine extends MinimalPrettyPrinter {
    private static final long serialVersionUID = 1L;

    @Override
    public void writeObjectFieldValueSeparator(JsonGenerator g) throws IOException {
      g.writeRaw(": ");
    }

    @Override
    public void writeObjectEntrySeparator(JsonGenerator g) throws IOException {
      g.writeRaw(", ");
    }

    @Override
    public void beforeArrayValues(JsonGenerator g) throws IOException {
      g.writeRaw("\n  ");
    }

    @Override
    public void writeArrayValueSeparator(JsonGenerator g) throws IOException {
      g.writeRaw(",\n  ");
    }

    @Override
    public void writeEndArray(JsonGenerator g, int values) throws IOException {
      g.writeRaw(values == 0 ? "]" : "\n]");
    }
  }
}
