package io.redmutex;

/**
 * The waiting thread was interrupted. The wait stopped, nothing is held, and the thread's interrupt
 * flag is set again.
 */
public class LockInterruptedException extends LockException {
  private static final long serialVersionUID = 1L;

  /**
   * An exception with this message and cause.
   *
   * @param message what happened, naming the lock and the time spent
   * @param cause the interrupt
   */
  public LockInterruptedException(String message, InterruptedException cause) {
    super(message, cause);
  }
}
