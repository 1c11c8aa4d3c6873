package io.redmutex;

/** The lock was held by someone else for the whole wait. Nothing is held by the caller. */
public class LockTimeoutException extends LockException {
  private static final long serialVersionUID = 1L;

  /**
   * An exception with this message.
   *
   * @param message what happened, naming the lock and the time spent
   */
  public LockTimeoutException(String message) {
    super(message);
  }
}
