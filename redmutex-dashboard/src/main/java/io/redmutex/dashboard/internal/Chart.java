package io.redmutex.dashboard.internal;

import io.redmutex.dashboard.ClientLockStats;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The chart's points, one per poll, for the last {@code window}: holds begun per second as seen
 * between polls and the clients waiting (what Redis can tell), plus, when the dashboard runs inside
 * the client that takes the locks, its own acquisitions per second and wait percentiles. Owned by
 * the poller thread.
 */
final class Chart {
  private final long windowMillis;
  private final ClientLockStats client; // null: no client data
  private final Deque<Map<String, Object>> points = new ArrayDeque<>();
  private long last; // epoch ms of the last point, 0 before the first

  Chart(long windowMillis, ClientLockStats client) {
    this.windowMillis = windowMillis;
    this.client = client;
  }

  void add(long now, int begun, int waiting, int held) {
    double seconds = last == 0 ? 0 : Math.max(1, now - last) / 1000.0;
    Map<String, Object> point = new LinkedHashMap<>();
    point.put("t", now);
    point.put("begunPerSecond", seconds == 0 ? null : round(begun / seconds));
    point.put("waiting", waiting);
    point.put("held", held);
    if (client != null) {
      ClientLockStats.Interval interval = client.drain();
      point.put("acquiredPerSecond", seconds == 0 ? null : round(interval.acquired() / seconds));
      point.put("failedPerSecond", seconds == 0 ? null : round(interval.failed() / seconds));
      point.put("waitP50Millis", interval.p50Millis());
      point.put("waitP95Millis", interval.p95Millis());
      point.put("waitP99Millis", interval.p99Millis());
    }
    last = now;
    points.addLast(point);
    while (!points.isEmpty() && (long) points.peekFirst().get("t") < now - windowMillis) {
      points.removeFirst();
    }
  }

  private static double round(double value) {
    return Math.round(value * 100) / 100.0;
  }

  Map<String, Object> json() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("clientData", client != null);
    out.put("points", new ArrayList<Object>(points));
    return out;
  }

  List<Map<String, Object>> points() {
    return List.copyOf(points);
  }
}
