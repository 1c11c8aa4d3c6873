package io.redmutex;

/**
 * Base of every exception redmutex throws. Unchecked: a failed lock operation is an outcome the
 * caller decides how to handle, not a condition to declare on every method.
 *
 * <p>Messages name the lock and, where there was waiting, the time spent.
 */
public class LockException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public LockException(String message) {
    super(message);
  }

  public LockException(String message, Throwable cause) {
    super(message, cause);
  }
}
