package io.redmutex.spring;

import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanCreationException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Checks every {@link Locked} method of a bean when the bean is created, so that a malformed name,
 * wait or return type fails the application's start rather than the first call.
 */
final class LockedMethodValidator implements BeanPostProcessor {
  private final ObjectProvider<LockedMethods> methods;

  LockedMethodValidator(ObjectProvider<LockedMethods> methods) {
    this.methods = methods;
  }

  @Override
  public Object postProcessBeforeInitialization(Object bean, String beanName)
      throws BeansException {
    Class<?> type = ClassUtils.getUserClass(bean);
    if (type.getName().startsWith("org.springframework.")) {
      return bean; // none of Spring's own beans is @Locked; skip the reflection
    }
    ReflectionUtils.doWithMethods(
        type,
        method -> {
          if (AnnotatedElementUtils.findMergedAnnotation(method, Locked.class) == null) {
            return; // also searches the interfaces the method implements
          }
          try {
            methods.getObject().find(method, type);
          } catch (IllegalStateException e) {
            throw new BeanCreationException(beanName, e.getMessage(), e);
          }
        },
        method ->
            !method.isBridge()
                && !method.isSynthetic()
                && method.getDeclaringClass() != Object.class);
    return bean;
  }
}
