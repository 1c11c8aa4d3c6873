package io.redmutex;

/**
 * Replication-safe acquire ({@code RedMutex.Builder.waitForReplicas}) could not confirm that enough
 * replicas have the lock: it was given back, and nothing is held.
 */
public class InsufficientReplicasException extends LockException {
  private static final long serialVersionUID = 1L;

  private final int acknowledged;
  private final int wanted;

  public InsufficientReplicasException(String message, int acknowledged, int wanted) {
    super(message);
    this.acknowledged = acknowledged;
    this.wanted = wanted;
  }

  /** How many replicas acknowledged the write in time. */
  public int acknowledged() {
    return acknowledged;
  }

  /** How many were asked for. */
  public int wanted() {
    return wanted;
  }
}
