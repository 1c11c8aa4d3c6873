package io.redmutex.internal;

import io.lettuce.core.RedisURI;
import io.lettuce.core.resource.ClientResources;
import io.redmutex.LockListener;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A client's validated configuration, as built by {@code RedMutex.Builder}.
 *
 * @param uri where Redis is, with credentials (for a cluster: the first seed node)
 * @param clusterNodes the seed nodes of a Redis Cluster; empty for one master
 * @param leaseTime time to live of a lease between renewals
 * @param keyPrefix prepended to every lock name to form its key
 * @param commandTimeout how long one Redis command may take before its outcome counts as unknown
 * @param listener told of lock events
 * @param waitForReplicas replicas that must acknowledge each write, 0 for none
 * @param replicaTimeout how long to wait for them
 * @param clock the monotonic clock
 * @param clientResources Lettuce resources the caller owns, or null for the shared ones
 * @param driverDecorator wraps the Redis driver (tests count or delay commands with it), or null
 * @param redlockNodes the independent masters of {@code redlock://}; empty otherwise
 */
public record Settings(
    RedisURI uri,
    List<RedisURI> clusterNodes,
    Duration leaseTime,
    String keyPrefix,
    Duration commandTimeout,
    LockListener listener,
    int waitForReplicas,
    Duration replicaTimeout,
    NanoClock clock,
    ClientResources clientResources,
    UnaryOperator<LockDriver> driverDecorator,
    List<RedisURI> redlockNodes) {

  /** Settings for one master or a cluster (no Redlock). */
  public Settings(
      RedisURI uri,
      List<RedisURI> clusterNodes,
      Duration leaseTime,
      String keyPrefix,
      Duration commandTimeout,
      LockListener listener,
      int waitForReplicas,
      Duration replicaTimeout,
      NanoClock clock,
      ClientResources clientResources,
      UnaryOperator<LockDriver> driverDecorator) {
    this(
        uri,
        clusterNodes,
        leaseTime,
        keyPrefix,
        commandTimeout,
        listener,
        waitForReplicas,
        replicaTimeout,
        clock,
        clientResources,
        driverDecorator,
        List.of());
  }
}
