package io.redmutex.internal;

import io.redmutex.LockException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * What an acquire of a semaphore's permit or a read-write lock's hold sends and makes of the
 * answers: its side's take script with the acquire's member. A take that finds more free (another
 * permit, a read beside reads) passes the release on to the next waiter of this client, so that one
 * release message lets in every local waiter that can get in; a writer that stops waiting withdraws
 * its hold on new readers. The waiting itself is {@link Acquisition}'s.
 */
final class PermitTakes implements Acquisition.Takes<PermitLease> {
  private final PermitEngine engine;
  private final PermitSide side;
  private final String member;
  private final String downgradeFrom;
  private final long leaseMillis;

  PermitTakes(
      PermitEngine engine, PermitSide side, String member, String downgradeFrom, long leaseMillis) {
    this.engine = engine;
    this.side = side;
    this.member = member;
    this.downgradeFrom = downgradeFrom;
    this.leaseMillis = leaseMillis;
  }

  @Override
  public String describe() {
    return side.describe();
  }

  @Override
  public String heldMessage() {
    return side.describe()
        + (side.kind() == PermitSide.Kind.PERMIT
            ? ": all " + side.permits() + " permits are held"
            : " is held");
  }

  @Override
  public String channel() {
    return side.keys().channel();
  }

  @Override
  public CompletableFuture<Acquisition.Answer<PermitLease>> take(long sentAt) {
    return side.take(member, leaseMillis, engine.clientId(), downgradeFrom)
        .thenApply(answer -> answerOf(answer, sentAt));
  }

  private Acquisition.Answer<PermitLease> answerOf(PermitSide.Take answer, long sentAt) {
    if (answer.acquired()) {
      PermitLease lease =
          new PermitLease(engine, side, member, answer.value(), leaseMillis, sentAt);
      lease.startRenewal(); // before the caller can see it, so that close() finds it
      return Acquisition.Answer.taken(lease, answer.free() > 0);
    }
    if (answer.status() < 0) {
      return Acquisition.Answer.refused(
          new IllegalStateException(
              side.describe()
                  + " is in use with "
                  + answer.value()
                  + " permits in Redis, but this client asked for "
                  + side.permits()
                  + "; every client of one semaphore must give the same number"));
    }
    // Busy: until the first holder's lease can end.
    return Acquisition.Answer.busy(TimeUnit.MILLISECONDS.toNanos(Math.max(answer.value(), 0) + 1));
  }

  @Override
  public long parkBeforeFirstTakeNanos(WakeUps.Channel subscribed) {
    return 0; // permits are never handed off: take at once
  }

  @Override
  public boolean park(WakeUps.Channel channel, Acquisition<PermitLease> waiter, long seen) {
    return channel.park(waiter, seen);
  }

  /** A read-write lock's writer: the only waiter a release can let in while its intent stands. */
  @Override
  public boolean wakesFirst() {
    return side.kind() == PermitSide.Kind.WRITE;
  }

  @Override
  public void giveBack() {
    engine.releaseQuietly(side, member);
  }

  @Override
  public void withdraw() {
    engine.withdrawQuietly(side, member);
  }

  @Override
  public void abandon(PermitLease lease) {
    lease.abandon();
    engine.releaseQuietly(side, member);
  }

  // Semaphores and read-write locks tell no listener events yet (README: "Not yet").
  @Override
  public void acquired(PermitLease lease, Duration waited) {}

  @Override
  public void acquireFailed(Duration waited, LockException cause) {}
}
