package io.redmutex.internal;

import io.lettuce.core.cluster.SlotHash;

/**
 * Where wire protocol v2 keeps the last fencing token issued (docs/interop.md, "Wire protocol v2"):
 * one string per cluster slot, shared by every lock whose key is in that slot, holding the last
 * token any take there issued. Each take issues {@code max(last + 1, server time in µs)} and stores
 * it, so each name's tokens keep increasing, as they would with a record per name, for a fixed
 * cost: at most one record per slot (about 92 bytes each on Redis 7.0), nothing per lock name.
 *
 * <p>On a standalone or Sentinel-managed server (and on each Redlock master) every key is in the
 * same place, so there is one record, {@value #SINGLE}. On a Redis Cluster the record of slot
 * {@code s} is {@code redmutex:fence:{N}}, N the smallest non-negative integer whose text hashes to
 * {@code s}: a rule any client computes the same way, so that every client of one lock uses one
 * record. The records carry no TTL (a bounded set, not a per-name leak): tokens rest on the server
 * clock alone only if one is evicted or deleted.
 */
final class FenceRecords {

  /** The record of a standalone server, a Sentinel-managed master, or a Redlock master. */
  static final String SINGLE = "redmutex:fence";

  static final String PER_SLOT_PREFIX = "redmutex:fence:";

  private static final FenceRecords SINGLE_RECORD = new FenceRecords(false);
  private static final FenceRecords PER_SLOT = new FenceRecords(true);

  private final boolean perSlot;

  private FenceRecords(boolean perSlot) {
    this.perSlot = perSlot;
  }

  /** The records of a server that is not a cluster: one for all locks. */
  static FenceRecords single() {
    return SINGLE_RECORD;
  }

  /** The records of a Redis Cluster: one per slot. */
  static FenceRecords perSlot() {
    return PER_SLOT;
  }

  /** The record that fences the lock whose key is {@code lockKey}. */
  String of(String lockKey) {
    return perSlot ? Table.KEYS[SlotHash.getSlot(lockKey)] : SINGLE;
  }

  /** Whether {@code key} is a fence record's name (never a lock's: listings leave it out). */
  static boolean isRecord(String key) {
    // A per-slot record is exactly the table's name for the slot its hash tag falls in.
    return key.equals(SINGLE)
        || (key.startsWith(PER_SLOT_PREFIX) && key.equals(ofSlot(SlotHash.getSlot(key))));
  }

  /** The record of slot {@code slot} on a cluster. */
  static String ofSlot(int slot) {
    return Table.KEYS[slot];
  }

  /** Built on first use by a cluster client (about 150,000 CRC16s of short strings). */
  private static final class Table {
    static final String[] KEYS = build();

    private static String[] build() {
      String[] keys = new String[SlotHash.SLOT_COUNT];
      int left = keys.length;
      for (int n = 0; left > 0; n++) {
        String tag = Integer.toString(n);
        int slot = SlotHash.getSlot(tag);
        if (keys[slot] == null) {
          keys[slot] = PER_SLOT_PREFIX + "{" + tag + "}";
          left--;
        }
      }
      return keys;
    }
  }
}
