package io.redmutex;

/** The lock was held by someone else for the whole wait. Nothing is held by the caller. */
public class LockTimeoutException extends LockException {
  private static final long serialVersionUID = 1L;

  public LockTimeoutException(String message) {
    super(message);
  }
}
