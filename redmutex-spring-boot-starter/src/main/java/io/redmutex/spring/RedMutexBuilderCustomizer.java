package io.redmutex.spring;

import io.redmutex.RedMutex;

/**
 * Adjusts the builder of the auto-configured {@link RedMutex} after the {@code redmutex.*}
 * properties are applied. Declare beans of this type; they run in {@link
 * org.springframework.core.Ordered order}.
 *
 * <p>Each builder option can be set once, so a customizer must not set what a property already set.
 * To observe lock events, declare a {@link io.redmutex.LockListener} bean instead of calling {@code
 * listener(..)}: the starter composes every listener bean with its metrics listener.
 */
@FunctionalInterface
public interface RedMutexBuilderCustomizer {

  /**
   * Customizes {@code builder}.
   *
   * @param builder the builder to adjust
   */
  void customize(RedMutex.Builder builder);
}
