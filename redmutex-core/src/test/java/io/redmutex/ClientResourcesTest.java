package io.redmutex;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.redmutex.testkit.PrintRedisLogsOnFailure;
import io.redmutex.testkit.RedisServer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code RedMutex.Builder.clientResources}: an application's own Lettuce event loops. */
@ExtendWith(PrintRedisLogsOnFailure.class)
class ClientResourcesTest {

  @Test
  void clientResources_ofTheCaller_areUsed_andStayUpAfterClose() throws Exception {
    ClientResources own = DefaultClientResources.builder().ioThreadPoolSize(1).build();
    try (RedisServer redis = RedisServer.start()) {
      try (RedMutex mutex = RedMutex.builder().uri(redis.uri()).clientResources(own).build()) {
        mutex.acquire("resources", Duration.ZERO).release();
      }
      // Closing the client left the caller's resources alone: a second client still works on them.
      assertThat(own.eventExecutorGroup().isShuttingDown()).isFalse();
      try (RedMutex again = RedMutex.builder().uri(redis.uri()).clientResources(own).build()) {
        again.acquire("resources", Duration.ZERO).release();
      }
    } finally {
      own.shutdown(0, 2, TimeUnit.SECONDS).get();
    }
  }

  @Test
  void clientResources_setTwice_isRefused() {
    ClientResources own = DefaultClientResources.create();
    try {
      assertThatThrownBy(() -> RedMutex.builder().clientResources(own).clientResources(own))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("clientResources");
    } finally {
      own.shutdown();
    }
  }
}
