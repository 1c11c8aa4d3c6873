package io.redmutex.spring;

import io.redmutex.RedMutex;
import io.redmutex.dashboard.ClientLockStats;
import io.redmutex.dashboard.Dashboard;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * The lock dashboard endpoint ({@code redmutexdashboard}), when the actuator is present and the
 * endpoint is exposed: a {@link Dashboard} over the application's {@code RedMutex} bean, fed with
 * its own acquisitions and waits by a {@link ClientLockStats} listener bean. Nothing of it exists,
 * polls or listens unless the endpoint is exposed; exposed, it reads Redis only while a page looks.
 */
@AutoConfiguration(after = RedMutexAutoConfiguration.class)
@ConditionalOnClass({Endpoint.class, Dashboard.class})
@ConditionalOnBean(RedMutex.class)
@ConditionalOnAvailableEndpoint(RedMutexDashboardEndpoint.class)
@EnableConfigurationProperties(RedMutexDashboardProperties.class)
public final class RedMutexDashboardAutoConfiguration {

  /** The application's own acquisitions and waits, for the chart (a listener of its client). */
  @Bean
  @ConditionalOnMissingBean
  ClientLockStats redMutexDashboardStats() {
    return new ClientLockStats();
  }

  @Bean
  @ConditionalOnMissingBean
  Dashboard redMutexDashboard(
      RedMutex mutex,
      RedMutexDashboardProperties properties,
      ClientLockStats stats,
      ObjectProvider<RedisTarget> target) {
    RedisTarget redis = target.getIfAvailable();
    return Dashboard.builder(mutex)
        .pattern(properties.getPattern())
        .limit(properties.getLimit())
        .pollInterval(properties.getPollInterval())
        .history(properties.getHistory())
        .pauseWhenUnwatched(properties.getPauseWhenUnwatched())
        .allowBreak(properties.isAllowBreak())
        .clientStats(stats)
        .target(redis != null ? redis.redactedUri() : "the application's RedMutex bean")
        .build();
  }

  @Bean
  @ConditionalOnMissingBean
  RedMutexDashboardEndpoint redMutexDashboardEndpoint(Dashboard redMutexDashboard) {
    return new RedMutexDashboardEndpoint(redMutexDashboard);
  }
}
