package io.redmutex.dashboard;

import io.redmutex.testkit.PrintRedisLogsOnFailure;
import io.redmutex.testkit.SentinelGroup;
import java.io.Closeable;
import org.junit.jupiter.api.extension.ExtendWith;

/** The dashboard of a Sentinel-managed master (password on every node). */
@ExtendWith(PrintRedisLogsOnFailure.class)
class SentinelDashboardTest extends DashboardBrowserContract {
  private SentinelGroup group;

  @Override
  Closeable startDeployment() {
    group = SentinelGroup.start();
    return group;
  }

  @Override
  String uri() {
    return group.uri();
  }
}
