package io.redmutex.spring;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Micrometer meters for lock events ({@link MicrometerLockListener}), when Micrometer and a {@link
 * MeterRegistry} are present, and observations of {@link Locked} calls ({@link
 * MicrometerLockedObserver}) and of lock acquires and holds ({@link MicrometerLockObservations}),
 * when an {@link ObservationRegistry} is.
 */
@AutoConfiguration(
    afterName = {
      "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
      "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
      "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration",
      "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration"
    })
public final class RedMutexMetricsAutoConfiguration {

  /** The meters. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(MeterRegistry.class)
  @ConditionalOnBean(MeterRegistry.class)
  @ConditionalOnProperty(name = "redmutex.metrics.enabled", matchIfMissing = true)
  static final class Meters {
    @Bean
    MicrometerLockListener redMutexMetrics(
        MeterRegistry registry,
        RedMutexProperties properties,
        ObjectProvider<LockNameTagger> tagger) {
      LockNameTagger names = tagger.getIfAvailable();
      if (names == null && !properties.getMetrics().getLockNames().isEmpty()) {
        names = MicrometerLockListener.forNames(properties.getMetrics().getLockNames());
      }
      return new MicrometerLockListener(registry, names);
    }
  }

  /**
   * The observations of {@code @Locked} calls, and of every acquire and hold of a lock ({@link
   * MicrometerLockObservations}, unless {@code redmutex.observations.enabled=false}).
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(ObservationRegistry.class)
  @ConditionalOnBean(ObservationRegistry.class)
  static final class Observations {
    @Bean
    MicrometerLockedObserver redMutexLockedObserver(ObservationRegistry registry) {
      return new MicrometerLockedObserver(registry);
    }

    @Bean
    @ConditionalOnProperty(name = "redmutex.observations.enabled", matchIfMissing = true)
    MicrometerLockObservations redMutexLockObservations(ObservationRegistry registry) {
      return new MicrometerLockObservations(registry);
    }
  }
}
