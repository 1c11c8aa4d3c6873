package io.redmutex.internal;

import io.redmutex.InsufficientReplicasException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replication-safe writes ({@code RedMutex.Builder.waitForReplicas}) as a decorator of the
 * one-master driver: every take, renewal and release is followed by {@code WAIT} on a connection of
 * its own ({@link ReplicatedWrites}); a take too few replicas acknowledged is given back and fails
 * with {@link InsufficientReplicasException}; a renewal too few acknowledged counts as failed.
 * Hand-offs are off: each acquisition needs its own {@code WAIT}. Everything else goes to the
 * driver it wraps.
 */
final class ReplicatedDriver extends ForwardingDriver {
  private static final Logger log = LoggerFactory.getLogger(ReplicatedDriver.class);

  private final LettuceDriver base;
  private final ReplicatedWrites replicated;

  ReplicatedDriver(LettuceDriver base, int replicas, Duration timeout) {
    super(base);
    this.base = base;
    this.replicated = new ReplicatedWrites(base::connectMaster, replicas, timeout);
  }

  @Override
  public CompletableFuture<TakeResult> take(
      LockKeys keys, String token, long leaseMillis, Taker taker) {
    return base.watched(replicated.run(token, s -> s.take(keys, token, leaseMillis, taker)))
        .thenCompose(
            acked -> {
              TakeResult result = acked.value();
              if (!result.acquired() || acked.acknowledged() >= replicated.replicas()) {
                return CompletableFuture.completedFuture(result);
              }
              InsufficientReplicasException e =
                  new InsufficientReplicasException(
                      "lock '"
                          + keys.name()
                          + "' was taken but only "
                          + acked.acknowledged()
                          + " of "
                          + replicated.replicas()
                          + " replicas acknowledged within "
                          + Durations.format(replicated.timeout())
                          + "; it was given back",
                      acked.acknowledged(),
                      replicated.replicas());
              return base.release(keys, token, 0)
                  .handle((released, error) -> null)
                  .thenCompose(ignored -> CompletableFuture.<TakeResult>failedFuture(e));
            });
  }

  @Override
  public boolean canHandOff() {
    // Each scripted hand-off would need its own WAIT; local hand-offs (no write) are still made.
    return false;
  }

  @Override
  public CompletableFuture<TakeResult> handOff(
      LockKeys keys, String from, long lastFencingToken, String to, long leaseMillis, Taker taker) {
    throw new UnsupportedOperationException("no hand-offs with replication-safe writes");
  }

  @Override
  public CompletableFuture<Boolean> release(LockKeys keys, String token, long lastFencingToken) {
    return base.watched(replicated.run(token, s -> s.release(keys, token, lastFencingToken)))
        .thenApply(
            acked -> {
              if (acked.acknowledged() < replicated.replicas()) {
                log.warn(
                    "redmutex: release of lock '{}' reached {} of {} replicas; after a failover"
                        + " it may look held until its lease time passes",
                    keys.name(),
                    acked.acknowledged(),
                    replicated.replicas());
              }
              return acked.value();
            });
  }

  @Override
  public CompletableFuture<Boolean> extend(LockKeys keys, String token, long leaseMillis) {
    return base.watched(replicated.run(token, s -> s.extend(keys, token, leaseMillis)))
        .thenApply(
            acked -> {
              if (acked.value() && acked.acknowledged() < replicated.replicas()) {
                // Not replicated: a failover could lose it. Fail it, so that the lease is
                // renewed again soon, or reported lost at its local expiry.
                throw new InsufficientReplicasException(
                    "renewal of lock '"
                        + keys.name()
                        + "' reached "
                        + acked.acknowledged()
                        + " of "
                        + replicated.replicas()
                        + " replicas",
                    acked.acknowledged(),
                    replicated.replicas());
              }
              return acked.value();
            });
  }

  @Override
  public void close() {
    replicated.close();
    super.close();
  }
}
