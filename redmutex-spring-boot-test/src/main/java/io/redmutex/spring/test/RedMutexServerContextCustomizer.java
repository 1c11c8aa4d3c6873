package io.redmutex.spring.test;

import io.redmutex.testkit.RedisServer;
import java.util.Map;
import java.util.Objects;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.MergedContextConfiguration;
import org.springframework.util.ClassUtils;

/**
 * Starts the context's server and wires it in (see {@link AutoConfigureRedMutexServer}). Equal for
 * equal settings, so that Spring's test context cache reuses one context, and so one server, for
 * every test class with the same configuration.
 */
final class RedMutexServerContextCustomizer implements ContextCustomizer {
  static final String PROPERTY_SOURCE = "redmutexTestServer";
  static final String SERVER_BEAN = "redMutexTestServer";
  static final String DETAILS_BEAN = "redMutexTestServerConnectionDetails";
  private static final String DATA_REDIS_DETAILS =
      "org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails";

  private final String password;

  RedMutexServerContextCustomizer(String password) {
    this.password = password;
  }

  @Override
  public void customizeContext(
      ConfigurableApplicationContext context, MergedContextConfiguration mergedConfig) {
    RedisServer.Builder builder = RedisServer.builder();
    if (!password.isEmpty()) {
      builder.password(password);
    }
    RedisServer server = builder.start();
    // Closed with the context (the test framework closes cached contexts at the JVM's end), and
    // if the context never refreshes, by the test kit's own shutdown hook.
    context.addApplicationListener(
        (ApplicationListener<ContextClosedEvent>)
            event -> {
              if (event.getApplicationContext() == context) {
                server.close();
              }
            });
    context
        .getEnvironment()
        .getPropertySources()
        .addFirst(new MapPropertySource(PROPERTY_SOURCE, Map.of("redmutex.uri", server.uri())));
    context.getBeanFactory().registerSingleton(SERVER_BEAN, server);
    if (ClassUtils.isPresent(DATA_REDIS_DETAILS, context.getClassLoader())
        && context instanceof BeanDefinitionRegistry registry) {
      RootBeanDefinition details =
          new RootBeanDefinition(
              TestServerConnectionDetails.class, () -> new TestServerConnectionDetails(server));
      registry.registerBeanDefinition(DETAILS_BEAN, details);
    }
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof RedMutexServerContextCustomizer that && password.equals(that.password);
  }

  @Override
  public int hashCode() {
    return Objects.hash(RedMutexServerContextCustomizer.class, password);
  }
}
