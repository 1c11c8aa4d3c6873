package io.redmutex.spring;

import io.redmutex.Lease;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

/**
 * The lease of the {@link Locked} method running on the current thread, so that the method can hand
 * its fencing token to the store it protects.
 *
 * <pre>{@code
 * @Locked(name = "'accounts:' + #id")
 * public void debit(long id, long cents) {
 *   jdbc.update("update account set cents = cents - ?, fence = ? where id = ? and fence < ?",
 *       cents, Locks.currentLease().fencingToken(), id, Locks.currentLease().fencingToken());
 * }
 * }</pre>
 *
 * <p>The lease is bound to the thread for the duration of the method's own code (a thread-local, so
 * it works on platform and virtual threads alike). Code the method hands to another thread or to a
 * future's callbacks does not see it: read the lease first and pass it along. Nested {@code Locked}
 * methods see their own lease; when they return, the outer one is current again.
 */
public final class Locks {
  private static final ThreadLocal<Deque<Lease>> CURRENT = new ThreadLocal<>();

  private Locks() {}

  /**
   * The lease of the innermost {@link Locked} method running on this thread.
   *
   * @return the lease
   * @throws IllegalStateException if no {@code @Locked} method is running on this thread
   */
  public static Lease currentLease() {
    return findCurrentLease()
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "no @Locked method is running on thread "
                        + Thread.currentThread().getName()
                        + ": Locks.currentLease() works only inside one, on its own thread"));
  }

  /**
   * The lease of the innermost {@link Locked} method running on this thread, if any.
   *
   * @return the lease, or empty outside a {@code @Locked} method
   */
  public static Optional<Lease> findCurrentLease() {
    Deque<Lease> leases = CURRENT.get();
    return leases == null ? Optional.empty() : Optional.ofNullable(leases.peek());
  }

  /** Makes {@code lease} current on this thread until {@link #unbind()}. */
  static void bind(Lease lease) {
    Deque<Lease> leases = CURRENT.get();
    if (leases == null) {
      leases = new ArrayDeque<>(2);
      CURRENT.set(leases);
    }
    leases.push(lease);
  }

  /** Undoes the latest {@link #bind(Lease)} on this thread. */
  static void unbind() {
    Deque<Lease> leases = CURRENT.get();
    if (leases != null) {
      leases.pop();
      if (leases.isEmpty()) {
        CURRENT.remove();
      }
    }
  }
}
