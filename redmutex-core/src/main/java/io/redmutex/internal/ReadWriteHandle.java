package io.redmutex.internal;

import io.redmutex.Acquirable;
import io.redmutex.DistributedLock;
import io.redmutex.DistributedReadWriteLock;
import io.redmutex.PermitHolder;
import java.util.List;

/**
 * {@link DistributedReadWriteLock}: a name; state lives in Redis (and per thread, in the views).
 */
final class ReadWriteHandle implements DistributedReadWriteLock {
  private final PermitEngine engine;
  private final PermitSide read;
  private final PermitSide write;
  private final ReadWriteView.Holds holds;

  ReadWriteHandle(
      PermitEngine engine, PermitSide read, PermitSide write, ReadWriteView.Holds holds) {
    this.engine = engine;
    this.read = read;
    this.write = write;
    this.holds = holds;
  }

  @Override
  public String name() {
    return read.name();
  }

  @Override
  public Acquirable read() {
    return new SemaphoreHandle.Side(engine, read);
  }

  @Override
  public Acquirable write() {
    return new SemaphoreHandle.Side(engine, write);
  }

  @Override
  public DistributedLock readLock() {
    return new ReadWriteView(engine, read, write, holds, false);
  }

  @Override
  public DistributedLock writeLock() {
    return new ReadWriteView(engine, read, write, holds, true);
  }

  @Override
  public List<PermitHolder> holders() {
    return engine.inspect(read.keys()).holders();
  }

  @Override
  public String toString() {
    return "DistributedReadWriteLock[" + name() + "]";
  }
}
