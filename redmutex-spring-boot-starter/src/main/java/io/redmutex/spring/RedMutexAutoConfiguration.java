package io.redmutex.spring;

import io.redmutex.LockListener;
import io.redmutex.RedMutex;
import org.springframework.aop.Advisor;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.aop.support.annotation.AnnotationMatchingPointcut;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;

/**
 * Auto-configures a {@link RedMutex} bean connected where Spring Data Redis connects (or to {@code
 * redmutex.uri}), and the {@link Locked} advice.
 *
 * <p>The client reuses Boot's Lettuce {@code ClientResources} bean when there is one, is told of
 * lock events by every {@link LockListener} bean (including the metrics one), is adjusted by every
 * {@link RedMutexBuilderCustomizer} bean, and is closed on shutdown after the {@code @Locked} calls
 * in flight have finished (closing gives back every lease still held).
 */
@AutoConfiguration(
    afterName = "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration")
@EnableConfigurationProperties(RedMutexProperties.class)
public final class RedMutexAutoConfiguration {

  /** The client, unless the application defines its own {@link RedMutex} bean. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnMissingBean(RedMutex.class)
  static final class ClientConfiguration {

    @Bean
    RedisTarget redMutexTarget(
        RedMutexProperties properties,
        Environment environment,
        ConfigurableListableBeanFactory beans) {
      return RedisTargets.resolve(properties, environment, beans);
    }

    @Bean(destroyMethod = "close")
    RedMutex redMutex(
        RedisTarget redMutexTarget,
        RedMutexProperties properties,
        Environment environment,
        ConfigurableListableBeanFactory beans,
        ObjectProvider<RedMutexBuilderCustomizer> customizers,
        ObjectProvider<LockListener> listeners) {
      String clientName = RedMutexClients.clientName(properties, environment);
      RedMutex.Builder builder = RedMutexClients.builder(redMutexTarget, properties, clientName);
      RedMutexClients.shareClientResources(builder, beans, "redMutex");
      customizers.orderedStream().forEach(customizer -> customizer.customize(builder));
      LockListener listener = RedMutexClients.listener(listeners.orderedStream().toList());
      if (listener != null) {
        try {
          builder.listener(listener);
        } catch (IllegalStateException alreadySet) {
          throw new IllegalStateException(
              "a RedMutexBuilderCustomizer called listener(..), and the application also has"
                  + " LockListener beans (metrics, or its own): declare the customizer's listener"
                  + " as a LockListener bean instead, and redmutex tells all of them",
              alreadySet);
        }
      }
      return RedMutexClients.build(builder, redMutexTarget, clientName, environment);
    }
  }

  /** The {@link Locked} advice, unless {@code redmutex.locked.enabled=false}. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnProperty(name = "redmutex.locked.enabled", matchIfMissing = true)
  @Import(LockedProxyRegistrar.class)
  static final class LockedConfiguration {

    @Bean
    @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
    static LockedMethods redMutexLockedMethods(Environment environment, BeanFactory beans) {
      return new LockedMethods(environment, beans);
    }

    @Bean
    @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
    static LockedMethodValidator redMutexLockedMethodValidator(
        ObjectProvider<LockedMethods> redMutexLockedMethods) {
      return new LockedMethodValidator(redMutexLockedMethods);
    }

    @Bean
    @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
    static InFlightWork redMutexInFlightWork() {
      return new InFlightWork();
    }

    @Bean
    @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
    static Advisor redMutexLockedAdvisor(
        ObjectProvider<RedMutex> mutex,
        ObjectProvider<LockedMethods> redMutexLockedMethods,
        ObjectProvider<InFlightWork> redMutexInFlightWork,
        ObjectProvider<LockedObserver> observer,
        Environment environment) {
      LockedInterceptor interceptor =
          new LockedInterceptor(
              mutex, redMutexLockedMethods.getObject(), redMutexInFlightWork.getObject(), observer);
      DefaultPointcutAdvisor advisor =
          new DefaultPointcutAdvisor(
              new AnnotationMatchingPointcut(null, Locked.class, true), interceptor);
      advisor.setOrder(
          environment.getProperty(
              "redmutex.locked.order",
              Integer.class,
              new RedMutexProperties.LockedAdvice().getOrder()));
      return advisor;
    }

    @Bean
    static RedMutexShutdown redMutexShutdown(ObjectProvider<InFlightWork> redMutexInFlightWork) {
      return new RedMutexShutdown(redMutexInFlightWork.getObject());
    }
  }
}
