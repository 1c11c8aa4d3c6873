package io.redmutex.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One node's view of a Redis Cluster, read from its {@code CLUSTER NODES} reply: who is there, who
 * masters which slots, who replicates whom, and whom it deems failed.
 */
record ClusterView(List<ClusterView.Entry> entries) {

  /** Slots in a cluster. */
  static final int SLOTS = 16384;

  /** One line of {@code CLUSTER NODES}. */
  record Entry(String id, int port, Set<String> flags, String masterId, List<int[]> slotRanges) {

    boolean isMaster() {
      return flags.contains("master");
    }

    boolean isReplica() {
      return flags.contains("slave");
    }

    boolean isMyself() {
      return flags.contains("myself");
    }

    /** Deemed failed ({@code fail}), possibly failed ({@code fail?}), or not yet known. */
    boolean isTroubled() {
      return flags.contains("fail")
          || flags.contains("fail?")
          || flags.contains("handshake")
          || flags.contains("noaddr");
    }

    boolean owns(int slot) {
      return slotRanges.stream().anyMatch(range -> range[0] <= slot && slot <= range[1]);
    }

    int slotCount() {
      return slotRanges.stream().mapToInt(range -> range[1] - range[0] + 1).sum();
    }

    /** Role, master and slots, without the flags that differ between viewers. */
    String summary(ClusterView view) {
      String master = view.byId(masterId).map(e -> Integer.toString(e.port())).orElse("-");
      String slots =
          slotRanges.stream().map(r -> r[0] + "-" + r[1]).collect(Collectors.joining(","));
      return port + (isMaster() ? " master " + slots : " replica of " + master);
    }
  }

  /**
   * Parses a {@code CLUSTER NODES} reply: {@code <id> <ip:port@cport[,hostname]> <flags> <master>
   * <ping-sent> <pong-recv> <config-epoch> <link-state> <slot> ...}. Slots being migrated ({@code
   * [slot->-id]}) are left out.
   */
  static ClusterView parse(String reply) {
    List<Entry> entries = new ArrayList<>();
    for (String line : reply.split("\r?\n")) {
      String[] fields = line.strip().split(" ");
      if (fields.length < 8) {
        continue;
      }
      String address = fields[1].split(",")[0]; // ip:port@cport, then ",hostname" in Redis 7
      int at = address.indexOf('@');
      String hostPort = at < 0 ? address : address.substring(0, at);
      int port = Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1));
      List<int[]> ranges = new ArrayList<>();
      for (int i = 8; i < fields.length; i++) {
        String slot = fields[i];
        if (slot.startsWith("[")) {
          continue;
        }
        int dash = slot.indexOf('-');
        ranges.add(
            dash < 0
                ? new int[] {Integer.parseInt(slot), Integer.parseInt(slot)}
                : new int[] {
                  Integer.parseInt(slot.substring(0, dash)),
                  Integer.parseInt(slot.substring(dash + 1))
                });
      }
      entries.add(
          new Entry(fields[0], port, Set.of(fields[2].split(",")), fields[3], List.copyOf(ranges)));
    }
    return new ClusterView(List.copyOf(entries));
  }

  Optional<Entry> byId(String id) {
    return entries.stream().filter(e -> e.id().equals(id)).findFirst();
  }

  Optional<Entry> byPort(int port) {
    return entries.stream().filter(e -> e.port() == port).findFirst();
  }

  /** The master that owns {@code slot} in this view, failed or not. */
  Optional<Entry> ownerOf(int slot) {
    return entries.stream().filter(e -> e.isMaster() && e.owns(slot)).findFirst();
  }

  Entry myself() {
    return entries.stream()
        .filter(Entry::isMyself)
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("CLUSTER NODES without 'myself': " + this));
  }
}
