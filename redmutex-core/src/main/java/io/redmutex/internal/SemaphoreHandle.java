package io.redmutex.internal;

import io.redmutex.Acquirable;
import io.redmutex.DistributedSemaphore;
import io.redmutex.Lease;
import io.redmutex.PermitHolder;
import io.redmutex.PermitsInfo;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** {@link DistributedSemaphore}: a name and a number of permits; state lives in Redis only. */
final class SemaphoreHandle implements DistributedSemaphore {
  private final PermitEngine engine;
  private final PermitSide side;

  SemaphoreHandle(PermitEngine engine, PermitSide side) {
    this.engine = engine;
    this.side = side;
  }

  @Override
  public String name() {
    return side.name();
  }

  @Override
  public int permits() {
    return side.permits();
  }

  @Override
  public Lease acquire(Duration waitTimeout) {
    return engine.acquire(side, waitTimeout);
  }

  @Override
  public Optional<Lease> tryAcquire() {
    return engine.tryAcquire(side);
  }

  @Override
  public CompletableFuture<Lease> acquireAsync(Duration waitTimeout) {
    return engine.acquireAsync(side, waitTimeout);
  }

  @Override
  public int availablePermits() {
    PermitsInfo info = engine.inspect(side.keys());
    return Math.max(0, side.permits() - info.holdersCount());
  }

  @Override
  public List<PermitHolder> holders() {
    return engine.inspect(side.keys()).holders();
  }

  /** One kind of hold of a read-write lock, as an {@link Acquirable}. */
  static final class Side implements Acquirable {
    private final PermitEngine engine;
    private final PermitSide side;

    Side(PermitEngine engine, PermitSide side) {
      this.engine = engine;
      this.side = side;
    }

    @Override
    public String name() {
      return side.name();
    }

    @Override
    public Lease acquire(Duration waitTimeout) {
      return engine.acquire(side, waitTimeout);
    }

    @Override
    public Optional<Lease> tryAcquire() {
      return engine.tryAcquire(side);
    }

    @Override
    public CompletableFuture<Lease> acquireAsync(Duration waitTimeout) {
      return engine.acquireAsync(side, waitTimeout);
    }

    @Override
    public String toString() {
      return side.describe();
    }
  }

  @Override
  public String toString() {
    return "DistributedSemaphore[" + name() + ", permits=" + permits() + "]";
  }
}
