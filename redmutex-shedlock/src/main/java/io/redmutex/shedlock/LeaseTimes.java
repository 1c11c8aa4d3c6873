package io.redmutex.shedlock;

import io.redmutex.Lease;
import java.time.Duration;

/**
 * Sets a held lease's time to live, working around a race in redmutex-core's {@code Lease.extend}:
 * a background renewal that fires during an extend's round trip still carries the old lease time
 * and can reach Redis after the extend, putting the old, shorter time to live back on the key (and
 * on the lease's own expiry), so the lease is lost at the old time. A second extend sent after the
 * first has completed wins, because every renewal that starts later carries the new time and one
 * that started earlier reaches Redis first on the same connection. This narrows the race to a
 * renewal thread stalled between reading the old time and sending it; only a fix in core (updating
 * the lease time before the extend is sent) closes it.
 */
final class LeaseTimes {
  private LeaseTimes() {}

  /**
   * Extends {@code lease} to {@code ttl} from now (two round trips).
   *
   * @throws io.redmutex.LockLostException if the lease was lost
   */
  static void set(Lease lease, Duration ttl) {
    lease.extend(ttl);
    lease.extend(ttl);
  }
}
