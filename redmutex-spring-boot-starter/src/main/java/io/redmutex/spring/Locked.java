package io.redmutex.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs the annotated method of a Spring bean while holding a redmutex lease on {@link #name()}. The
 * lease is taken before the method runs and given back when it returns or throws (for a method
 * returning a {@link java.util.concurrent.CompletionStage}, when the stage completes), so two calls
 * with the same name never run at once on any instance of the application.
 *
 * <pre>{@code
 * @Locked(name = "'orders:' + #order.id", waitTimeout = "5s")
 * @Transactional
 * public void charge(Order order) {
 *   payments.charge(order, Locks.currentLease().fencingToken());
 * }
 *
 * @Locked(name = "nightly-report", onBusy = Locked.OnBusy.SKIP)
 * @Scheduled(cron = "0 0 2 * * *")
 * public void nightlyReport() { ... }
 * }</pre>
 *
 * <p>The advice runs outside {@code @Transactional} by default ({@code redmutex.locked.order}), so
 * a transaction on the same method commits before the lease is given back. The method reads its
 * lease with {@link Locks#currentLease()}. Annotated methods are checked when their bean is
 * created: a malformed name or wait timeout, or an {@link OnBusy#SKIP} on a method that cannot
 * return "nothing", fails the application's start with a message naming the method.
 *
 * <p>Like every Spring proxy-based annotation, it applies to calls through the bean's proxy: a call
 * from the bean to itself ({@code this.charge(o)}) takes no lock. It may not be put on private,
 * final or static methods (checked at start).
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface Locked {

  /**
   * {@return the lock name} A name containing {@code #} or {@code '} is a SpEL expression over the
   * method's arguments: by name ({@code #order}, needs {@code -parameters}, as Spring Boot's build
   * sets it), by position ({@code #p0} or {@code #a0}), {@code #root.method}, {@code #root.target},
   * and beans ({@code @beanName}); for example {@code "'orders:' + #order.id"}. Any other name is
   * used as written: {@code "nightly-report"}, {@code "orders:all"}. {@code ${...}} placeholders
   * are resolved first, in both forms. The evaluated name must not be empty nor longer than {@link
   * io.redmutex.RedMutex#MAX_NAME_BYTES} UTF-8 bytes.
   */
  String name();

  /**
   * How long to wait for the lock when another owner holds it: a duration such as {@code 500ms},
   * {@code 5s} or {@code PT1M}, or a {@code ${...}} placeholder resolving to one. Default {@code
   * 0s}: try once, do not wait. (Not called {@code wait}: Java forbids that name, which {@link
   * Object#wait()} has.)
   *
   * @return the wait, as a duration string
   */
  String waitTimeout() default "0s";

  /**
   * What to do when the lock is still held by another owner after {@link #waitTimeout()}.
   *
   * @return what to do when busy
   */
  OnBusy onBusy() default OnBusy.THROW;

  /** What a {@link Locked} method does when its lock stays busy for the whole wait. */
  enum OnBusy {
    /**
     * Throw the {@link io.redmutex.LockTimeoutException}; for a method returning a {@link
     * java.util.concurrent.CompletionStage}, return a stage failed with it.
     */
    THROW,

    /**
     * Do not run the method: a {@code void} method returns, an {@link java.util.Optional} method
     * returns {@code Optional.empty()}, a {@code CompletableFuture<Void>} or {@code
     * CompletableFuture<Optional<T>>} method returns a future completed with {@code null} or empty.
     * Not allowed on methods returning anything else (checked at start). The scheduled-job case.
     */
    SKIP
  }
}
