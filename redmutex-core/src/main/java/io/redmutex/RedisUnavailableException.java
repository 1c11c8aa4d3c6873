package io.redmutex;

/**
 * Redis could not be reached or refused us: connection refused, authentication failed, a command
 * timed out. The message says which. When thrown from an acquire, nothing is held (an attempt whose
 * outcome was unknown has been given back with its token).
 */
public class RedisUnavailableException extends LockException {
  private static final long serialVersionUID = 1L;

  /**
   * An exception with this message and cause.
   *
   * @param message what failed, naming the lock or the server
   * @param cause the client's exception underneath, or null
   */
  public RedisUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
