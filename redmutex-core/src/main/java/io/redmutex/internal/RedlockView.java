package io.redmutex.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What operators see of a Redlock lock ({@code inspect}, {@code list}, {@code redmutex status}):
 * the masters' {@code inspect.lua} answers combined into one, in the same shape, as a majority sees
 * it. Held when a majority of masters hold the same token; its remaining time is when fewer than a
 * majority will (the majority-th longest PTTL); the fencing token is the largest a majority of the
 * holder's masters store (the lease's own), or the largest of all masters when free; waiting
 * clients, the most any master counts.
 */
final class RedlockView {
  private RedlockView() {}

  static List<Object> combine(List<List<Object>> replies, int quorum) {
    // By owner token: a master that took the lock again by renewal stores a fencing token of its
    // own in the value (wire protocol v2), still the same holder's.
    Map<String, List<List<Object>>> byOwner = new HashMap<>();
    for (List<Object> reply : replies) {
      if ((Long) reply.get(0) != -2) {
        String owner = Inspection.ownerToken((String) reply.get(4));
        byOwner.computeIfAbsent(owner, v -> new ArrayList<>()).add(reply);
      }
    }
    long waiting = replies.stream().mapToLong(r -> (Long) r.get(5)).max().orElse(0);
    List<List<Object>> holding =
        byOwner.values().stream().filter(l -> l.size() >= quorum).findFirst().orElse(null);
    if (holding == null) {
      return List.of(-2L, maxFence(replies), "", "", "", waiting);
    }
    String value = (String) holding.get(0).get(4);
    // -1 (a key without TTL, from another library) never expires: longest of all.
    List<Long> ttls =
        holding.stream()
            .map(r -> (Long) r.get(0))
            .map(t -> t == -1 ? Long.MAX_VALUE : t)
            .sorted(Comparator.reverseOrder())
            .toList();
    long pttl = ttls.get(quorum - 1) == Long.MAX_VALUE ? -1 : ttls.get(quorum - 1);
    List<List<Object>> described = holding.stream().filter(r -> !"".equals(r.get(2))).toList();
    if (described.isEmpty()) {
      return List.of(pttl, maxFence(replies), "", "", value, waiting);
    }
    return List.of(
        pttl, majorityFence(holding, quorum), value, described.get(0).get(3), value, waiting);
  }

  /**
   * The largest fencing token a majority of the holder's masters store: the lease's own (each of
   * the majority stores it once written back; a master that took the lock a moment later stores a
   * token of its own, larger, that no lease carries).
   */
  private static String majorityFence(List<List<Object>> holding, int quorum) {
    List<Long> fences =
        holding.stream()
            .map(r -> (String) r.get(1))
            .map(f -> f.isEmpty() ? 0L : Long.parseLong(f))
            .sorted(Comparator.reverseOrder())
            .toList();
    long fence = fences.get(quorum - 1);
    return fence == 0 ? "" : Long.toString(fence);
  }

  private static String maxFence(List<List<Object>> replies) {
    return replies.stream()
        .map(r -> (String) r.get(1))
        .filter(f -> !f.isEmpty())
        .max(Comparator.comparingLong(Long::parseLong))
        .orElse("");
  }
}
