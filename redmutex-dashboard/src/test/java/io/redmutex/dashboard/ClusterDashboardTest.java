package io.redmutex.dashboard;

import io.redmutex.testkit.PrintRedisLogsOnFailure;
import io.redmutex.testkit.RedisClusterNodes;
import java.io.Closeable;
import org.junit.jupiter.api.extension.ExtendWith;

/** The dashboard of a Redis Cluster: SCAN walks every master. */
@ExtendWith(PrintRedisLogsOnFailure.class)
class ClusterDashboardTest extends DashboardBrowserContract {
  private RedisClusterNodes cluster;

  @Override
  Closeable startDeployment() {
    cluster = RedisClusterNodes.start();
    return cluster;
  }

  @Override
  String uri() {
    return "redis-cluster://" + cluster.uri().substring("redis://".length());
  }
}
