package io.redmutex;

/**
 * Base of every exception redmutex throws. Unchecked: a failed lock operation is an outcome the
 * caller decides how to handle, not a condition to declare on every method.
 *
 * <p>Messages name the lock and, where there was waiting, the time spent.
 */
public class LockException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * An exception with this message.
   *
   * @param message what happened, naming the lock and the time spent
   */
  public LockException(String message) {
    super(message);
  }

  /**
   * An exception with this message and cause.
   *
   * @param message what happened, naming the lock and the time spent
   * @param cause the failure underneath, or null
   */
  public LockException(String message, Throwable cause) {
    super(message, cause);
  }
}
