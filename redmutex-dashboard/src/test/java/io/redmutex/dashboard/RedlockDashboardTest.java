package io.redmutex.dashboard;

import io.redmutex.testkit.PrintRedisLogsOnFailure;
import io.redmutex.testkit.RedlockMasters;
import java.io.Closeable;
import org.junit.jupiter.api.extension.ExtendWith;

/** The dashboard of Redlock over 3 masters: the majority's view of each lock. */
@ExtendWith(PrintRedisLogsOnFailure.class)
class RedlockDashboardTest extends DashboardBrowserContract {
  private RedlockMasters masters;

  @Override
  Closeable startDeployment() {
    masters = RedlockMasters.start(3, null);
    return masters;
  }

  @Override
  String uri() {
    return masters.uri();
  }

  @Override
  boolean hasPermits() {
    return false;
  }
}
