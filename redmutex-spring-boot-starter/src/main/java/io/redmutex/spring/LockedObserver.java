package io.redmutex.spring;

import io.redmutex.Lease;

/**
 * Follows one call of a {@link Locked} method through its wait and its hold, for tracing. The
 * default does nothing; {@link MicrometerLockedObserver} reports Micrometer observations.
 */
interface LockedObserver {

  /** Called before the acquire of {@code lockName} for {@code method}. */
  Call start(LockedMethod method, String lockName);

  /** One call. Its methods are called in order: acquired or notAcquired, then held* . */
  interface Call {
    /** The lease was taken; the method is about to run on this thread. */
    default void acquired(Lease lease) {}

    /** The lock stayed busy ({@code skipped}: SKIP, else THROW), or the acquire failed. */
    default void notAcquired(Throwable cause, boolean skipped) {}

    /** The method's synchronous part returned or threw; called on the thread that ran it. */
    default void methodReturned() {}

    /** The lease was given back (after the method, or its future, completed). */
    default void released(Throwable error) {}
  }

  /** Observes nothing. */
  LockedObserver NONE = (method, lockName) -> new Call() {};
}
