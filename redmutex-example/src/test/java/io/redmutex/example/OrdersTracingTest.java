package io.redmutex.example;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.opentelemetry.api.trace.SpanId;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.redmutex.spring.test.AutoConfigureRedMutexServer;
import io.redmutex.testkit.PrintRedisLogsOnFailure;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.micrometer.tracing.test.autoconfigure.AutoConfigureTracing;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * The example service with a real tracer (issue 22): Boot's Micrometer Tracing over the
 * OpenTelemetry SDK, spans exported to memory, on a test-kit server from {@link
 * AutoConfigureRedMutexServer}. One "request" adds an item to an order; the lock's spans nest under
 * the request's span.
 */
@SpringBootTest(
    properties = {
      "management.tracing.sampling.probability=1.0",
      "management.tracing.export.enabled=true",
      // A database of its own: OrdersExampleTest's in-memory one outlives its context in this JVM.
      "spring.datasource.url=jdbc:h2:mem:orders-tracing;DB_CLOSE_DELAY=-1"
    })
@AutoConfigureTracing
@AutoConfigureRedMutexServer
@ExtendWith(PrintRedisLogsOnFailure.class)
class OrdersTracingTest {

  @TestConfiguration(proxyBeanMethods = false)
  static class InMemorySpans {
    @Bean
    InMemorySpanExporter inMemorySpanExporter() {
      return InMemorySpanExporter.create();
    }
  }

  @Autowired ObservationRegistry observations;
  @Autowired OrderService orders;
  @Autowired InMemorySpanExporter spans;
  @Autowired OrderStore store;
  @Autowired SdkTracerProvider tracerProvider;

  @Test
  void aRequest_hasTheLocksSpans_asChildren() {
    store.create(1);
    Observation.createNotStarted("orders.request", observations)
        .observe(() -> orders.addItem(1, 250));

    // Spans are exported when they end (the hold ends on the client's callback thread) and in
    // batches: flush until the request's trace is complete.
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              tracerProvider.forceFlush().join(5, TimeUnit.SECONDS);
              assertThat(names(requestTrace()))
                  .containsExactlyInAnyOrder(
                      "orders.request",
                      "redmutex.lock.acquire",
                      "redmutex.lock.hold",
                      "wait for orders:1",
                      "hold orders:1");
            });
    List<SpanData> trace = requestTrace();
    SpanData request = named(trace, "orders.request");
    System.out.println("trace " + request.getTraceId() + ":");
    trace.stream()
        .sorted(Comparator.comparingLong(SpanData::getStartEpochNanos))
        .forEach(
            s ->
                System.out.printf(
                    "  %-22s span %s parent %s %s%n",
                    s.getName(), s.getSpanId(), s.getParentSpanId(), new TreeMap<>(attributes(s))));

    assertThat(request.getParentSpanId()).isEqualTo(SpanId.getInvalid()); // the trace's root
    for (SpanData span : trace) {
      if (span != request) {
        assertThat(span.getParentSpanId()).as(span.getName()).isEqualTo(request.getSpanId());
      }
    }
    SpanData acquire = named(trace, "redmutex.lock.acquire");
    SpanData hold = named(trace, "redmutex.lock.hold");
    Map<String, String> acquired = attributes(acquire);
    assertThat(acquired)
        .containsEntry("redmutex.lock", "orders:1")
        .containsEntry("redmutex.outcome", "acquired")
        .containsKey("redmutex.waited.ms");
    assertThat(attributes(hold))
        .containsEntry("redmutex.lock", "orders:1")
        .containsEntry("redmutex.outcome", "released")
        .containsEntry("redmutex.fencing.token", acquired.get("redmutex.fencing.token"));
    // The hold starts when the acquire ends, and ends after the request's work.
    assertThat(hold.getStartEpochNanos()).isGreaterThanOrEqualTo(acquire.getEndEpochNanos());
  }

  /** The finished spans of the trace whose root is "orders.request". */
  private List<SpanData> requestTrace() {
    List<SpanData> finished = spans.getFinishedSpanItems();
    return finished.stream()
        .filter(s -> s.getName().equals("orders.request"))
        .findFirst()
        .map(r -> finished.stream().filter(s -> s.getTraceId().equals(r.getTraceId())).toList())
        .orElse(List.of());
  }

  private static List<String> names(List<SpanData> spans) {
    return spans.stream().map(SpanData::getName).toList();
  }

  private static SpanData named(List<SpanData> spans, String name) {
    List<SpanData> found = spans.stream().filter(s -> s.getName().equals(name)).toList();
    assertThat(found).as("spans named " + name).hasSize(1);
    return found.get(0);
  }

  private static Map<String, String> attributes(SpanData span) {
    return span.getAttributes().asMap().entrySet().stream()
        .collect(Collectors.toMap(e -> e.getKey().getKey(), e -> String.valueOf(e.getValue())));
  }
}
