package io.redmutex;

import java.util.List;
import java.util.concurrent.locks.ReadWriteLock;

/**
 * A read-write lock across processes: any number of readers, or one writer. Every hold is a {@link
 * Lease}, renewed while held and gone when its holder dies, as a mutex's. Get one with {@link
 * RedMutex#readWriteLock}.
 *
 * <pre>{@code
 * DistributedReadWriteLock config = mutex.readWriteLock("config");
 * try (Lease read = config.read().acquire(Duration.ofSeconds(5))) {
 *   use(load());
 * }
 * try (Lease write = config.write().acquire(Duration.ofSeconds(5))) {
 *   store(next, write.fencingToken());
 * }
 * }</pre>
 *
 * <ul>
 *   <li>Fencing: one counter for readers and writers: a writer's token is larger than every token
 *       issued before it, to readers and writers.
 *   <li>Writers are not starved: a writer waiting for readers to leave stops new readers, for at
 *       most its lease time (plus 2 s) after its last try; it tries again on each release.
 *   <li>{@link #readLock()} and {@link #writeLock()} are thread-owned, re-entrant {@link
 *       DistributedLock} views: a thread holding the write lock may take the read lock (a
 *       downgrade); a thread holding only the read lock cannot take the write lock (an upgrade
 *       would deadlock two readers): {@link IllegalStateException}.
 * </ul>
 */
public interface DistributedReadWriteLock extends ReadWriteLock {

  /** {@return the name, as given to {@link RedMutex#readWriteLock}} */
  String name();

  /** {@return read holds, shared: each acquire is one lease} */
  Acquirable read();

  /** {@return the write hold, exclusive} */
  Acquirable write();

  /** The thread-owned, re-entrant read view. */
  @Override
  DistributedLock readLock();

  /** The thread-owned, re-entrant write view. */
  @Override
  DistributedLock writeLock();

  /**
   * {@return who holds it now: the writer first if any, then readers (a snapshot for operators)}
   */
  List<PermitHolder> holders();
}
