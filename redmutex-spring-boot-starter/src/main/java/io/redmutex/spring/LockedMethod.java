package io.redmutex.spring;

import io.redmutex.RedMutex;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.springframework.context.expression.MethodBasedEvaluationContext;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.expression.BeanResolver;
import org.springframework.expression.EvaluationException;
import org.springframework.expression.Expression;

/**
 * One {@link Locked} method, checked and ready to run: its name (constant or parsed expression),
 * wait and what it returns when busy. Immutable; built by {@link LockedMethods}.
 */
final class LockedMethod {

  /** What the method returns, as far as the advice cares. */
  enum Returns {
    /** void or Void. */
    NOTHING,
    /** java.util.Optional. */
    OPTIONAL,
    /** A CompletionStage whose value is Void. */
    STAGE_OF_NOTHING,
    /** A CompletionStage whose value is an Optional. */
    STAGE_OF_OPTIONAL,
    /** A CompletionStage of anything else. */
    STAGE,
    /** Any other value. */
    VALUE;

    boolean isStage() {
      return this == STAGE || this == STAGE_OF_NOTHING || this == STAGE_OF_OPTIONAL;
    }
  }

  private final Method method;
  private final String description;
  private final String constantName; // null when the name is an expression
  private final Expression expression; // null when the name is constant
  private final String source; // the name as written, placeholders resolved
  private final Duration wait;
  private final Locked.OnBusy onBusy;
  private final Returns returns;
  private final ParameterNameDiscoverer parameterNames;
  private final BeanResolver beans;

  LockedMethod(
      Method method,
      String constantName,
      Expression expression,
      String source,
      Duration wait,
      Locked.OnBusy onBusy,
      Returns returns,
      ParameterNameDiscoverer parameterNames,
      BeanResolver beans) {
    this.method = method;
    this.description = describe(method);
    this.constantName = constantName;
    this.expression = expression;
    this.source = source;
    this.wait = wait;
    this.onBusy = onBusy;
    this.returns = returns;
    this.parameterNames = parameterNames;
    this.beans = beans;
  }

  /** {@code @Locked on OrderService.charge(Order)}: how messages name a method. */
  static String describe(Method method) {
    StringBuilder text =
        new StringBuilder("@Locked on ")
            .append(method.getDeclaringClass().getSimpleName())
            .append('.')
            .append(method.getName())
            .append('(');
    Class<?>[] types = method.getParameterTypes();
    for (int i = 0; i < types.length; i++) {
      text.append(i == 0 ? "" : ", ").append(types[i].getSimpleName());
    }
    return text.append(')').toString();
  }

  /** {@code @Locked on OrderService.charge(Order)}. */
  String description() {
    return description;
  }

  /** {@code OrderService.charge}: a bounded label for metrics and traces. */
  String label() {
    return method.getDeclaringClass().getSimpleName() + "." + method.getName();
  }

  Duration waitTimeout() {
    return wait;
  }

  Locked.OnBusy onBusy() {
    return onBusy;
  }

  Returns returns() {
    return returns;
  }

  /**
   * The lock name for a call of the method with {@code args} on {@code target}.
   *
   * @throws IllegalArgumentException if the expression fails, or yields null, an empty name or one
   *     longer than {@link RedMutex#MAX_NAME_BYTES}; the message names the method
   */
  String lockName(Object target, Object[] args) {
    if (constantName != null) {
      return constantName;
    }
    MethodBasedEvaluationContext context =
        new MethodBasedEvaluationContext(
            new Root(method, args, target), method, args, parameterNames);
    context.setBeanResolver(beans);
    Object value;
    try {
      value = expression.getValue(context);
    } catch (EvaluationException e) {
      throw new IllegalArgumentException(
          description + ": lock name '" + source + "' failed: " + e.getMessage(), e);
    }
    if (value == null) {
      throw new IllegalArgumentException(
          description + ": lock name '" + source + "' evaluated to null");
    }
    return check(String.valueOf(value), description, source);
  }

  /** {@code name}, if it is a valid lock name; else an exception naming the method. */
  static String check(String name, String description, String source) {
    if (name.isEmpty()) {
      throw new IllegalArgumentException(
          description + ": lock name '" + source + "' evaluated to an empty name");
    }
    int bytes = name.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > RedMutex.MAX_NAME_BYTES) {
      throw new IllegalArgumentException(
          description
              + ": lock name '"
              + source
              + "' evaluated to "
              + bytes
              + " UTF-8 bytes, more than the "
              + RedMutex.MAX_NAME_BYTES
              + " allowed: '"
              + name.substring(0, Math.min(name.length(), 64))
              + "...'");
    }
    return name;
  }

  /** What {@link Locked.OnBusy#SKIP} returns instead of running the method. */
  Object skipped() {
    switch (returns) {
      case NOTHING:
        return null;
      case OPTIONAL:
        return Optional.empty();
      case STAGE_OF_NOTHING:
        return CompletableFuture.completedFuture(null);
      case STAGE_OF_OPTIONAL:
        return CompletableFuture.completedFuture(Optional.empty());
      default:
        throw new IllegalStateException(description + ": SKIP on " + returns); // checked at start
    }
  }

  @Override
  public String toString() {
    return description + " (name '" + source + "', wait " + wait + ", onBusy " + onBusy + ")";
  }

  /** The SpEL root object: {@code #root.method}, {@code #root.args}, {@code #root.target}. */
  static final class Root {
    private final Method method;
    private final Object[] args;
    private final Object target;

    Root(Method method, Object[] args, Object target) {
      this.method = method;
      this.args = args;
      this.target = target;
    }

    public Method getMethod() {
      return method;
    }

    public Object[] getArgs() {
      return args;
    }

    public Object getTarget() {
      return target;
    }
  }
}
