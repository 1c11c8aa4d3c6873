package io.redmutex.spring.test;

import java.util.List;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.TestContextAnnotationUtils;

/**
 * Finds {@link AutoConfigureRedMutexServer} on a test class (or an enclosing one, for
 * {@code @Nested} tests) and customizes its context. Registered in {@code
 * META-INF/spring.factories}.
 */
final class RedMutexServerContextCustomizerFactory implements ContextCustomizerFactory {

  @Override
  public ContextCustomizer createContextCustomizer(
      Class<?> testClass, List<ContextConfigurationAttributes> configAttributes) {
    AutoConfigureRedMutexServer annotation =
        TestContextAnnotationUtils.findMergedAnnotation(
            testClass, AutoConfigureRedMutexServer.class);
    return annotation == null ? null : new RedMutexServerContextCustomizer(annotation.password());
  }
}
