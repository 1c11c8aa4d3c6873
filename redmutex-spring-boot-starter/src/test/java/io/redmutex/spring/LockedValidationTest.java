package io.redmutex.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Malformed {@link Locked} methods fail the application's start with a message naming the method.
 * No Redis is needed: the checks run when the bean is created, before any call.
 */
class LockedValidationTest {

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(RedMutexAutoConfiguration.class))
          // The client is created lazily by the advice: nothing connects here.
          .withPropertyValues("redmutex.uri=redis://127.0.0.1:1");

  static class SkipOnAValue {
    @Locked(name = "x", onBusy = Locked.OnBusy.SKIP)
    public String report() {
      return "r";
    }
  }

  static class SkipOnAFutureOfAValue {
    @Locked(name = "x", onBusy = Locked.OnBusy.SKIP)
    public CompletableFuture<String> report() {
      return CompletableFuture.completedFuture("r");
    }
  }

  static class BadExpression {
    @Locked(name = "'orders:' + #order.id(")
    public void charge(Object order) {}
  }

  static class UnknownParameter {
    @Locked(name = "'orders:' + #ordr.id")
    public void charge(Object order) {}
  }

  static class BadWait {
    @Locked(name = "x", waitTimeout = "five seconds")
    public void charge() {}
  }

  static class MissingPlaceholder {
    @Locked(name = "x", waitTimeout = "${orders.lock-wait}")
    public void charge() {}
  }

  static class FinalMethod {
    @Locked(name = "x")
    public final void charge() {}
  }

  static class TooLongConstant {
    @Locked(name = "a-name-longer-than-the-limit-" + LONG)
    public void charge() {}
  }

  private static final String LONG =
      "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
          + "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
          + "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
          + "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
          + "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
          + "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
          + "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
          + "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
          + "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
          + "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
          + "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
          + "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx";

  private void assertStartFails(Class<?> bean, String... fragments) {
    runner
        .withBean(bean)
        .run(
            context -> {
              assertThat(context).hasFailed();
              String message = context.getStartupFailure().getMessage();
              for (String fragment : fragments) {
                assertThat(message).contains(fragment);
              }
            });
  }

  @Test
  void skip_onAMethodReturningAValue_failsTheStart() {
    assertStartFails(
        SkipOnAValue.class, "@Locked on SkipOnAValue.report()", "onBusy = SKIP", "String");
  }

  @Test
  void skip_onAFutureOfAValue_failsTheStart() {
    assertStartFails(SkipOnAFutureOfAValue.class, "@Locked on SkipOnAFutureOfAValue.report()");
  }

  @Test
  void aMalformedExpression_failsTheStart() {
    assertStartFails(
        BadExpression.class, "@Locked on BadExpression.charge(Object)", "not a valid SpEL");
  }

  @Test
  void anExpressionNamingAnUnknownParameter_failsTheStart_listingTheParameters() {
    assertStartFails(
        UnknownParameter.class, "@Locked on UnknownParameter.charge(Object)", "#ordr", "[order]");
  }

  @Test
  void aMalformedWait_failsTheStart() {
    assertStartFails(
        BadWait.class, "@Locked on BadWait.charge()", "five seconds", "not a duration");
  }

  @Test
  void anUnresolvablePlaceholder_failsTheStart() {
    assertStartFails(
        MissingPlaceholder.class, "@Locked on MissingPlaceholder.charge()", "orders.lock-wait");
  }

  @Test
  void aFinalMethod_failsTheStart() {
    assertStartFails(FinalMethod.class, "@Locked on FinalMethod.charge()", "final");
  }

  @Test
  void aConstantNameOverTheLimit_failsTheStart() {
    assertStartFails(TooLongConstant.class, "@Locked on TooLongConstant.charge()", "UTF-8 bytes");
  }

  @Test
  void lockedDisabled_leavesMethodsUnchecked() {
    runner
        .withPropertyValues("redmutex.locked.enabled=false")
        // Nothing listens at the URI: keep the client from being created at all.
        .withInitializer(
            context ->
                context.addBeanFactoryPostProcessor(
                    new org.springframework.boot.LazyInitializationBeanFactoryPostProcessor()))
        .withBean(SkipOnAValue.class)
        .run(context -> assertThat(context).hasNotFailed());
  }
}
