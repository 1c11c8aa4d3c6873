package io.redmutex.internal;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One kind of hold and where it lives: a semaphore's permit, a read-write lock's read hold or its
 * write hold. Speaks the scripts for it; one round trip each.
 */
final class PermitSide {

  /**
   * Time a semaphore's or read-write lock's info hash (its size and last fencing token) outlives
   * its last write. After it, tokens rest on the server clock alone (README, "When tokens rest on
   * the server clock alone"): one hour keeps the counter across any plausible clock correction
   * without keeping one-off names for days.
   */
  static final long INFO_TTL_EXTRA_MILLIS = java.time.Duration.ofHours(1).toMillis();

  enum Kind {
    PERMIT("semaphore"),
    READ("read lock"),
    WRITE("write lock");

    final String noun;

    Kind(String noun) {
      this.noun = noun;
    }
  }

  /**
   * A take's answer: {@code status} 1 = taken (with {@code value} its fencing token, and {@code
   * free} whether more could be taken now), 0 = busy ({@code value} = ms until a holder's lease
   * ends), -1 = the semaphore has {@code value} permits in Redis, not this one's number.
   */
  record Take(long status, long value, long free) {
    boolean acquired() {
      return status == 1;
    }
  }

  private final Kind kind;
  private final PermitKeys keys;
  private final int permits;
  private final LockDriver driver;

  PermitSide(Kind kind, PermitKeys keys, int permits, LockDriver driver) {
    this.kind = kind;
    this.keys = keys;
    this.permits = permits;
    this.driver = driver;
  }

  Kind kind() {
    return kind;
  }

  PermitKeys keys() {
    return keys;
  }

  String name() {
    return keys.name();
  }

  int permits() {
    return permits;
  }

  /** What a message says this is: {@code semaphore 'x'}, {@code read lock 'y'}. */
  String describe() {
    return kind.noun + " '" + keys.name() + "'";
  }

  /** The sorted set this kind's holds are members of. */
  private String holdersKey() {
    return kind == Kind.WRITE ? keys.writer() : keys.holders();
  }

  /**
   * Takes one hold for {@code member}; {@code downgradeFrom} is the member of the calling thread's
   * write hold when a read is a downgrade, else empty.
   */
  CompletableFuture<Take> take(
      String member, long leaseMillis, String clientId, String downgradeFrom) {
    String lease = Long.toString(leaseMillis);
    String infoTtl = Long.toString(leaseMillis + INFO_TTL_EXTRA_MILLIS);
    CompletableFuture<List<Object>> reply =
        switch (kind) {
          case PERMIT ->
              driver.permits(
                  Script.PERMIT_TAKE,
                  keys.takeKeys(),
                  List.of(member, Integer.toString(permits), lease, infoTtl, clientId));
          case READ ->
              driver.permits(
                  Script.READ_TAKE,
                  keys.takeKeys(),
                  List.of(member, lease, infoTtl, clientId, downgradeFrom));
          case WRITE ->
              driver.permits(
                  Script.WRITE_TAKE,
                  keys.takeKeys(),
                  List.of(member, lease, infoTtl, clientId, Long.toString(leaseMillis + 2000)));
        };
    return reply.thenApply(r -> new Take((Long) r.get(0), (Long) r.get(1), (Long) r.get(2)));
  }

  /** Sets a new lease time if {@code member} still holds; false when its lease had ended. */
  CompletableFuture<Boolean> extend(String member, long leaseMillis) {
    return driver
        .permits(
            Script.PERMIT_EXTEND,
            List.of(holdersKey(), keys.info()),
            List.of(
                member,
                Long.toString(leaseMillis),
                Long.toString(leaseMillis + INFO_TTL_EXTRA_MILLIS)))
        .thenApply(PermitSide::isOne);
  }

  /** Gives the hold back; false when its lease had ended (it was lost). */
  CompletableFuture<Boolean> release(String member) {
    return driver
        .permits(
            Script.PERMIT_RELEASE,
            List.of(holdersKey(), keys.waiters()),
            List.of(member, keys.channel()))
        .thenApply(PermitSide::isOne);
  }

  /** A writer that stopped waiting takes its intent back; no-op for other kinds. */
  CompletableFuture<Boolean> withdraw(String member) {
    if (kind != Kind.WRITE) {
      return CompletableFuture.completedFuture(false);
    }
    return driver
        .permits(Script.WRITE_WITHDRAW, List.of(keys.intent()), List.of(member, keys.channel()))
        .thenApply(PermitSide::isOne);
  }

  private static boolean isOne(Object reply) {
    Object value = reply instanceof List<?> list ? list.get(0) : reply;
    return Long.valueOf(1).equals(value);
  }
}
