package io.redmutex.dashboard.internal;

import io.redmutex.RedMutex;
import io.redmutex.dashboard.ClientLockStats;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * Owns the dashboard's view: one thread reads Redis every poll interval, folds what it read into
 * the timeline and the chart, and keeps the JSON every viewer gets, so that many open pages cost
 * Redis no more than one. With an idle timeout (an application serving the page), it stops reading
 * while nobody looks and starts again on the next request.
 */
public final class Poller implements AutoCloseable {
  private final SnapshotReader reader;
  private final Timeline timeline;
  private final Chart chart;
  private final Map<String, Object> settings;
  private final long pollNanos;
  private final long idleNanos; // Long.MAX_VALUE: never idle
  private final UnaryOperator<String> redact;
  private final Thread thread;

  // Guarded by this.
  private String json;
  private long sequence;
  private long lastWatched;
  private boolean wake;
  private boolean closed;
  private final List<Object[]> broken = new ArrayList<>();

  // Owned by the poller thread.
  private List<Row> lastRows = List.of();
  private boolean lastTruncated;
  private List<String> lastNotes = List.of();
  private Long errorSince;
  private Long lastSuccess;

  /**
   * A poller, not started.
   *
   * @param settings shown to the page as they are (pattern, limit, allowBreak, target, ...)
   * @param idleMillis stop reading when no snapshot was asked for this long; 0: never
   */
  public Poller(
      RedMutex mutex,
      String pattern,
      int limit,
      long pollMillis,
      long historyMillis,
      long idleMillis,
      ClientLockStats client,
      Map<String, Object> settings,
      UnaryOperator<String> redact) {
    this.reader = new SnapshotReader(mutex, pattern, limit);
    this.timeline = new Timeline(historyMillis, Math.max(limit, 100));
    this.chart = new Chart(historyMillis, client);
    this.settings = new LinkedHashMap<>(settings);
    this.pollNanos = TimeUnit.MILLISECONDS.toNanos(pollMillis);
    this.idleNanos = idleMillis == 0 ? Long.MAX_VALUE : TimeUnit.MILLISECONDS.toNanos(idleMillis);
    // A poller that may idle starts idle: nothing is read until a page asks.
    this.lastWatched = idleMillis == 0 ? System.nanoTime() : System.nanoTime() - idleNanos - 1;
    this.redact = redact;
    this.thread = new Thread(this::run, "redmutex-dashboard-poller");
    this.thread.setDaemon(true);
  }

  public void start() {
    thread.start();
  }

  /**
   * The latest snapshot as JSON. The first call, and a call after the poller went idle, waits (at
   * most {@code maxWaitMillis}) for a fresh one.
   */
  public synchronized String snapshot(long maxWaitMillis) {
    boolean idle = System.nanoTime() - lastWatched > idleNanos;
    lastWatched = System.nanoTime();
    if (json == null || idle) {
      long target = sequence + 1;
      wake = true;
      notifyAll();
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxWaitMillis);
      while (sequence < target && !closed) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          break;
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(this, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    return json != null ? json : "{\"loading\":true}";
  }

  /** This dashboard broke {@code name} at {@code token}: the timeline says so, and polls now. */
  public synchronized void broke(String name, long token) {
    broken.add(new Object[] {name, token});
    wake = true;
    notifyAll();
  }

  private void run() {
    while (true) {
      synchronized (this) {
        while (!closed && !wake && System.nanoTime() - lastWatched > idleNanos) {
          try {
            wait(); // idle: nobody looks
          } catch (InterruptedException e) {
            return;
          }
        }
        if (closed) {
          return;
        }
        wake = false;
      }
      poll();
      synchronized (this) {
        long deadline = System.nanoTime() + pollNanos;
        while (!closed && !wake) {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            break;
          }
          try {
            TimeUnit.NANOSECONDS.timedWait(this, left);
          } catch (InterruptedException e) {
            return;
          }
        }
      }
    }
  }

  private void poll() {
    long started = System.nanoTime();
    long now = System.currentTimeMillis();
    String error = null;
    SnapshotReader.Read read = null;
    try {
      read = reader.read();
    } catch (RuntimeException e) {
      error = redact.apply(oneLine(e));
    }
    long scanMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    synchronized (this) {
      for (Object[] b : broken) {
        timeline.broke((String) b[0], (Long) b[1]);
      }
      broken.clear();
    }
    if (read != null) {
      int begun = timeline.update(now, read.rows(), !read.truncated());
      int waiting = 0;
      int held = 0;
      for (Row row : read.rows()) {
        waiting += (int) row.fields().get("waiting");
        held += row.held() ? 1 : 0;
      }
      chart.add(now, begun, waiting, held);
      lastRows = read.rows();
      lastTruncated = read.truncated();
      lastNotes = read.notes();
      errorSince = null;
      lastSuccess = now;
    } else if (errorSince == null) {
      errorSince = now;
    }
    Map<String, Object> out = new LinkedHashMap<>(settings);
    out.put("takenAt", now);
    out.put("scanMillis", scanMillis);
    out.put("error", error);
    out.put("errorSince", errorSince);
    out.put("lastSuccess", lastSuccess);
    out.put("truncated", lastTruncated);
    out.put("notes", lastNotes);
    List<Object> rows = new ArrayList<>(lastRows.size());
    for (Row row : lastRows) {
      rows.add(row.fields());
    }
    out.put("rows", rows);
    out.put("timeline", timeline.json());
    out.put("chart", chart.json());
    String text = JsonText.write(out);
    synchronized (this) {
      json = text;
      sequence++;
      notifyAll();
    }
  }

  private static String oneLine(RuntimeException e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return message.replaceAll("\\s*\\n\\s*", "; ").strip();
  }

  @Override
  public void close() {
    synchronized (this) {
      closed = true;
      notifyAll();
    }
    try {
      thread.join(TimeUnit.NANOSECONDS.toMillis(pollNanos) + 5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
