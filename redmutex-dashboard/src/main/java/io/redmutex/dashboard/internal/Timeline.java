package io.redmutex.dashboard.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Who held each lock, when and for how long, as this dashboard saw it between its polls: a
 * transition is known only to within one poll interval, and a hold shorter than that may not be
 * seen at all. In memory, bounded: holds ended more than {@code window} ago are forgotten, at most
 * {@value #MAX_HOLDS} holds per lock and {@code maxLocks} locks. Owned by the poller thread.
 *
 * <p>How a hold ended: {@code released} (the key was gone at the next poll: released, or expired),
 * {@code handed off} (still held at the next poll, with a new fencing token: the next holder took
 * it between two polls, by a hand-off or a quick release and take), {@code broken} (by this
 * dashboard).
 */
final class Timeline {
  static final int MAX_HOLDS = 50;

  static final String RELEASED = "released";
  static final String HANDED_OFF = "handed off";
  static final String BROKEN = "broken from the dashboard";

  private final long windowMillis;
  private final int maxLocks;
  private final Map<String, Deque<Hold>> holds = new HashMap<>();
  private final Map<String, Long> broken = new HashMap<>(); // name -> token broken here

  Timeline(long windowMillis, int maxLocks) {
    this.windowMillis = windowMillis;
    this.maxLocks = maxLocks;
  }

  /** One hold; {@code end} 0 while it lasts. */
  private static final class Hold {
    final String holder;
    final long token;
    final long start;
    long end;
    String ended;

    Hold(String holder, long token, long start) {
      this.holder = holder;
      this.token = token;
      this.start = start;
    }
  }

  /** This dashboard broke {@code name}'s hold with {@code token}: its end says so. */
  void broke(String name, long token) {
    broken.put(name, token);
  }

  /**
   * Folds in the locks of one poll at {@code now} (epoch ms).
   *
   * @return how many holds began since the last poll
   */
  int update(long now, List<Row> rows, boolean complete) {
    int begun = 0;
    Map<String, Row> seen = new HashMap<>();
    for (Row row : rows) {
      if (row.kind().equals(Row.LOCK)) {
        seen.put(row.name(), row);
      }
    }
    for (Row row : seen.values()) {
      if (!row.held()) {
        continue;
      }
      Deque<Hold> list = holds.computeIfAbsent(row.name(), n -> new ArrayDeque<>());
      Hold last = list.peekLast();
      if (last != null && last.end == 0 && last.token == row.fencingToken()) {
        continue;
      }
      long start = row.sinceEpochMillis() != null ? row.sinceEpochMillis() : now;
      if (last != null && last.end == 0) {
        last.end = Math.max(last.start, Math.min(now, start));
        last.ended = endReason(row.name(), last, HANDED_OFF);
      }
      if (last != null && start < last.end) {
        start = last.end; // clocks of Redis and of this process differ: keep the order
      }
      list.addLast(new Hold(row.holder(), row.fencingToken(), Math.min(start, now)));
      begun++;
      while (list.size() > MAX_HOLDS) {
        list.removeFirst();
      }
    }
    for (Map.Entry<String, Deque<Hold>> entry : holds.entrySet()) {
      Row row = seen.get(entry.getKey());
      Hold last = entry.getValue().peekLast();
      // A lock not listed is free, unless the listing stopped at its limit before reaching it.
      boolean gone = row != null ? !row.held() : complete;
      if (last != null && last.end == 0 && gone) {
        last.end = now;
        last.ended = endReason(entry.getKey(), last, RELEASED);
      }
    }
    prune(now);
    broken.clear();
    return begun;
  }

  private String endReason(String name, Hold hold, String otherwise) {
    Long token = broken.get(name);
    return token != null && token == hold.token ? BROKEN : otherwise;
  }

  private void prune(long now) {
    long oldest = now - windowMillis;
    for (Iterator<Deque<Hold>> it = holds.values().iterator(); it.hasNext(); ) {
      Deque<Hold> list = it.next();
      while (!list.isEmpty() && list.peekFirst().end != 0 && list.peekFirst().end < oldest) {
        list.removeFirst();
      }
      if (list.isEmpty()) {
        it.remove();
      }
    }
    if (holds.size() > maxLocks) {
      // Forget the locks whose last hold ended longest ago (open holds count as ending now).
      List<Map.Entry<String, Deque<Hold>>> byEnd = new ArrayList<>(holds.entrySet());
      byEnd.sort((a, b) -> Long.compare(lastEnd(a.getValue(), now), lastEnd(b.getValue(), now)));
      for (int i = 0; i < byEnd.size() - maxLocks; i++) {
        holds.remove(byEnd.get(i).getKey());
      }
    }
  }

  private static long lastEnd(Deque<Hold> list, long now) {
    long end = list.peekLast().end;
    return end == 0 ? now : end;
  }

  /** For the page: lock name → its holds, oldest first. */
  Map<String, Object> json() {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Map.Entry<String, Deque<Hold>> entry : holds.entrySet()) {
      List<Object> list = new ArrayList<>();
      for (Hold hold : entry.getValue()) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("holder", hold.holder == null ? "(not redmutex)" : hold.holder);
        fields.put("fencingToken", hold.token);
        fields.put("start", hold.start);
        fields.put("end", hold.end == 0 ? null : hold.end);
        fields.put("ended", hold.ended);
        list.add(fields);
      }
      out.put(entry.getKey(), list);
    }
    return out;
  }
}
