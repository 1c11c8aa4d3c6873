package io.redmutex;

/**
 * Replication-safe acquire ({@code RedMutex.Builder.waitForReplicas}) could not confirm that enough
 * replicas have the lock: it was given back, and nothing is held.
 */
public class InsufficientReplicasException extends LockException {
  private static final long serialVersionUID = 1L;

  /** How many replicas acknowledged the write in time. */
  private final int acknowledged;

  /** How many replicas were asked for. */
  private final int wanted;

  /**
   * An exception with this message and count.
   *
   * @param message what happened, naming the lock
   * @param acknowledged how many replicas acknowledged the write in time
   * @param wanted how many replicas were asked for
   */
  public InsufficientReplicasException(String message, int acknowledged, int wanted) {
    super(message);
    this.acknowledged = acknowledged;
    this.wanted = wanted;
  }

  /** {@return how many replicas acknowledged the write in time} */
  public int acknowledged() {
    return acknowledged;
  }

  /** {@return how many were asked for} */
  public int wanted() {
    return wanted;
  }
}
