package io.redmutex;

/**
 * The lease is no longer held: its key expired (for example after a pause longer than the lease
 * time), was deleted, or now holds another owner's token. Work done since the loss may have
 * overlapped with another holder; fencing tokens are how a resource rejects such writes.
 */
public class LockLostException extends LockException {
  private static final long serialVersionUID = 1L;

  /**
   * An exception with this message.
   *
   * @param message what happened, naming the lock
   */
  public LockLostException(String message) {
    super(message);
  }
}
