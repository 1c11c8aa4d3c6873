package io.redmutex.spring;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.context.expression.BeanFactoryResolver;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.core.ResolvableType;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.env.Environment;
import org.springframework.expression.Expression;
import org.springframework.expression.ParseException;
import org.springframework.expression.spel.SpelNode;
import org.springframework.expression.spel.ast.VariableReference;
import org.springframework.expression.spel.standard.SpelExpression;
import org.springframework.expression.spel.standard.SpelExpressionParser;
import org.springframework.util.ClassUtils;

/**
 * Reads and checks {@link Locked} methods once each, and remembers them: the checks run when a bean
 * is created (see {@link LockedMethodValidator}), the advice reuses the result on every call.
 */
final class LockedMethods {
  private static final Set<String> BUILT_IN_VARIABLES = Set.of("root", "this");

  private final Environment environment;
  private final BeanFactoryResolver beans;
  private final ParameterNameDiscoverer parameterNames = new DefaultParameterNameDiscoverer();
  private final SpelExpressionParser parser = new SpelExpressionParser();
  private final Map<Method, Optional<LockedMethod>> cache = new ConcurrentHashMap<>();

  LockedMethods(Environment environment, BeanFactory beanFactory) {
    this.environment = environment;
    this.beans = new BeanFactoryResolver(beanFactory);
  }

  /**
   * The {@link Locked} definition of {@code method} as implemented by {@code targetClass}, or empty
   * if it has none.
   *
   * @throws IllegalStateException if the annotation is malformed; the message names the method
   */
  Optional<LockedMethod> find(Method method, Class<?> targetClass) {
    Method specific =
        targetClass == null ? method : ClassUtils.getMostSpecificMethod(method, targetClass);
    return cache.computeIfAbsent(specific, this::read);
  }

  private Optional<LockedMethod> read(Method method) {
    Locked locked = AnnotatedElementUtils.findMergedAnnotation(method, Locked.class);
    if (locked == null) {
      return Optional.empty();
    }
    String description = LockedMethod.describe(method);
    int modifiers = method.getModifiers();
    if (Modifier.isPrivate(modifiers)
        || Modifier.isFinal(modifiers)
        || Modifier.isStatic(modifiers)) {
      throw new IllegalStateException(
          description
              + ": the method is private, final or static, so Spring's proxy cannot run it under"
              + " the lock; make it a public (or protected) instance method");
    }
    Duration wait = parseWait(locked.waitTimeout(), description);
    LockedMethod.Returns returns = returns(method, description);
    if (locked.onBusy() == Locked.OnBusy.SKIP
        && (returns == LockedMethod.Returns.VALUE || returns == LockedMethod.Returns.STAGE)) {
      throw new IllegalStateException(
          description
              + ": onBusy = SKIP needs a method returning void, Optional, CompletableFuture<Void>"
              + " or CompletableFuture<Optional<..>> (something that can say 'did not run'),"
              + " but it returns "
              + method.getGenericReturnType().getTypeName()
              + "; use onBusy = THROW or change the return type");
    }
    String source = resolvePlaceholders(locked.name(), description, "name");
    if (!isExpression(source)) {
      try {
        LockedMethod.check(source, description, source);
      } catch (IllegalArgumentException e) {
        throw new IllegalStateException(e.getMessage(), e);
      }
      return Optional.of(
          new LockedMethod(
              method, source, null, source, wait, locked.onBusy(), returns, parameterNames, beans));
    }
    Expression expression;
    try {
      expression = parser.parseExpression(source);
    } catch (ParseException e) {
      throw new IllegalStateException(
          description
              + ": lock name '"
              + source
              + "' is not a valid SpEL expression: "
              + e.getMessage(),
          e);
    }
    checkVariables(method, expression, source, description);
    return Optional.of(
        new LockedMethod(
            method,
            null,
            expression,
            source,
            wait,
            locked.onBusy(),
            returns,
            parameterNames,
            beans));
  }

  /**
   * A name is an expression if it refers to a variable ({@code #}) or has a literal ({@code '}).
   */
  static boolean isExpression(String name) {
    return name.indexOf('#') >= 0 || name.indexOf('\'') >= 0;
  }

  private String resolvePlaceholders(String text, String description, String attribute) {
    try {
      return environment.resolveRequiredPlaceholders(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(
          description + ": " + attribute + " '" + text + "': " + e.getMessage(), e);
    }
  }

  private Duration parseWait(String text, String description) {
    String resolved = resolvePlaceholders(text, description, "waitTimeout").trim();
    Duration wait;
    try {
      wait = DurationStyle.detectAndParse(resolved);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(
          description
              + ": waitTimeout '"
              + text
              + "' is not a duration (write e.g. 500ms, 5s, 1m or PT5S)"
              + (resolved.equals(text) ? "" : ", resolved to '" + resolved + "'"),
          e);
    }
    if (wait.isNegative()) {
      throw new IllegalStateException(description + ": waitTimeout '" + text + "' is negative");
    }
    return wait;
  }

  private static LockedMethod.Returns returns(Method method, String description) {
    Class<?> type = method.getReturnType();
    if (type == void.class || type == Void.class) {
      return LockedMethod.Returns.NOTHING;
    }
    if (type == Optional.class) {
      return LockedMethod.Returns.OPTIONAL;
    }
    if (CompletionStage.class.isAssignableFrom(type)) {
      ResolvableType value = ResolvableType.forMethodReturnType(method).as(CompletionStage.class);
      Class<?> valueType = value.getGeneric(0).resolve(Object.class);
      if (valueType == Void.class) {
        return LockedMethod.Returns.STAGE_OF_NOTHING;
      }
      if (valueType == Optional.class) {
        return LockedMethod.Returns.STAGE_OF_OPTIONAL;
      }
      return LockedMethod.Returns.STAGE;
    }
    if (Future.class.isAssignableFrom(type) || isReactive(type)) {
      throw new IllegalStateException(
          description
              + ": it returns "
              + type.getName()
              + ", whose completion the lock cannot follow; return a CompletableFuture (the lease"
              + " is held until it completes) or a plain value");
    }
    return LockedMethod.Returns.VALUE;
  }

  private static boolean isReactive(Class<?> type) {
    for (Class<?> c : ClassUtils.getAllInterfacesForClassAsSet(type)) {
      if (c.getName().equals("org.reactivestreams.Publisher")) {
        return true;
      }
    }
    return type.getName().equals("org.reactivestreams.Publisher");
  }

  /** Fails at start when the expression names a variable the method has no parameter for. */
  private void checkVariables(
      Method method, Expression expression, String source, String description) {
    if (!(expression instanceof SpelExpression spel)) {
      return;
    }
    List<String> referenced = new ArrayList<>();
    collectVariables(spel.getAST(), referenced);
    if (referenced.isEmpty()) {
      return;
    }
    Set<String> known = new TreeSet<>();
    String[] names = parameterNames.getParameterNames(method);
    if (names != null) {
      known.addAll(Arrays.asList(names));
    }
    Set<String> positional = new TreeSet<>(BUILT_IN_VARIABLES);
    for (int i = 0; i < method.getParameterCount(); i++) {
      positional.add("p" + i);
      positional.add("a" + i);
    }
    for (String variable : referenced) {
      if (!known.contains(variable) && !positional.contains(variable)) {
        throw new IllegalStateException(
            description
                + ": lock name '"
                + source
                + "' refers to #"
                + variable
                + ", which is not a parameter of the method; "
                + (names == null
                    ? "its parameter names are not in the class file (compile with -parameters)"
                        + " so use #p0, #p1, ..."
                    : "its parameters are " + known + " (or #p0, #p1, ...)"));
      }
    }
  }

  private static void collectVariables(SpelNode node, List<String> into) {
    if (node instanceof VariableReference) {
      String text = node.toStringAST(); // "#name"
      into.add(text.startsWith("#") ? text.substring(1) : text);
    }
    for (int i = 0; i < node.getChildCount(); i++) {
      collectVariables(node.getChild(i), into);
    }
  }
}
