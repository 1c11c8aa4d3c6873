package io.redmutex.spring;

import io.redmutex.RedMutex;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The health indicator ({@code redMutex}) and the {@code redmutex} actuator endpoint, when Spring
 * Boot's actuator is present.
 */
@AutoConfiguration(after = RedMutexAutoConfiguration.class)
public final class RedMutexActuatorAutoConfiguration {

  /** The health indicator, for the auto-configured client. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(HealthIndicator.class)
  @ConditionalOnBean(RedisTarget.class)
  @ConditionalOnEnabledHealthIndicator("redmutex")
  static final class HealthConfiguration {
    @Bean
    @ConditionalOnMissingBean(name = "redMutexHealthIndicator")
    RedMutexHealthIndicator redMutexHealthIndicator(
        RedisTarget redMutexTarget,
        RedMutexProperties properties,
        Environment environment,
        ConfigurableListableBeanFactory beans) {
      String clientName = RedMutexClients.clientName(properties, environment);
      return new RedMutexHealthIndicator(
          () -> {
            RedMutex.Builder builder =
                RedMutexClients.probeBuilder(redMutexTarget, properties, clientName);
            RedMutexClients.shareClientResources(builder, beans, "redMutexHealthIndicator");
            return RedMutexClients.build(builder, redMutexTarget, clientName, environment);
          },
          redMutexTarget.redactedUri());
    }
  }

  /** The endpoint. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(Endpoint.class)
  @ConditionalOnBean(RedMutex.class)
  @ConditionalOnAvailableEndpoint(RedMutexEndpoint.class)
  static final class EndpointConfiguration {
    @Bean
    @ConditionalOnMissingBean
    RedMutexEndpoint redMutexEndpoint(RedMutex mutex, RedMutexProperties properties) {
      return new RedMutexEndpoint(mutex, properties.getEndpoint());
    }
  }
}
