package io.redmutex.cli;

import java.lang.reflect.Proxy;

/**
 * Takes over SIGINT, which Java otherwise turns into a shutdown, so that {@code run} can leave an
 * interrupt to its command, as flock(1) does. Uses {@code sun.misc.Signal} (module {@code
 * jdk.unsupported}, in every JDK since 9) through reflection, so that the build's {@code -Werror}
 * does not trip on the internal-API warning; where it is missing, SIGINT keeps Java's default.
 */
final class InterruptSignal {
  private InterruptSignal() {}

  /**
   * Runs {@code handler} (on a thread of the JVM's) on each SIGINT instead of shutting down.
   *
   * @return false if this JVM cannot do that (SIGINT then shuts down as before)
   */
  static boolean handle(Runnable handler) {
    try {
      Class<?> signalClass = Class.forName("sun.misc.Signal");
      Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
      Object signal = signalClass.getConstructor(String.class).newInstance("INT");
      Object proxy =
          Proxy.newProxyInstance(
              handlerClass.getClassLoader(),
              new Class<?>[] {handlerClass},
              (self, method, args) ->
                  switch (method.getName()) {
                    case "handle" -> {
                      handler.run();
                      yield null;
                    }
                    case "hashCode" -> System.identityHashCode(self);
                    case "equals" -> self == args[0];
                    default -> "redmutex SIGINT handler";
                  });
      signalClass.getMethod("handle", signalClass, handlerClass).invoke(null, signal, proxy);
      return true;
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      return false;
    }
  }
}
