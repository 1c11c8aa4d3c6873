package io.redmutex.spring;

import io.lettuce.core.resource.ClientResources;
import io.redmutex.LockListener;
import io.redmutex.RedMutex;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;

/** Builds the auto-configured {@link RedMutex} from the properties, target and beans. */
final class RedMutexClients {
  /** Builder option names as core's messages spell them, and the properties that set them. */
  private static final Map<String, String> PROPERTIES =
      Map.of(
          "leaseTime", "redmutex.lease-time",
          "keyPrefix", "redmutex.key-prefix",
          "commandTimeout", "redmutex.command-timeout",
          "clientName", "redmutex.client-name",
          "waitForReplicas", "redmutex.wait-for-replicas");

  private RedMutexClients() {}

  /** The client name: {@code redmutex.client-name}, else {@code spring.application.name}. */
  static String clientName(RedMutexProperties properties, Environment environment) {
    if (properties.getClientName() != null) {
      return properties.getClientName();
    }
    return environment.getProperty("spring.application.name");
  }

  /** A builder with the target and the {@code redmutex.*} settings applied. */
  static RedMutex.Builder builder(
      RedisTarget target, RedMutexProperties properties, String clientName) {
    RedMutex.Builder builder = RedMutex.builder().uri(target.uri());
    if (target.sentinelPassword() != null) {
      builder.sentinelCredentials(target.sentinelUsername(), target.sentinelPassword());
    }
    if (properties.getLeaseTime() != null) {
      builder.leaseTime(properties.getLeaseTime());
    }
    if (properties.getKeyPrefix() != null) {
      builder.keyPrefix(properties.getKeyPrefix());
    }
    if (properties.getCommandTimeout() != null) {
      builder.commandTimeout(properties.getCommandTimeout());
    }
    if (clientName != null) {
      builder.clientName(clientName);
    }
    RedMutexProperties.WaitForReplicas replicas = properties.getWaitForReplicas();
    if (replicas.getReplicas() != null) {
      builder.waitForReplicas(replicas.getReplicas(), replicas.getTimeout());
    }
    return builder;
  }

  /**
   * A builder for the health probe's client: the same Redis, credentials, key prefix and client
   * name, with {@code redmutex.health.timeout} as command timeout and no replica waits.
   */
  static RedMutex.Builder probeBuilder(
      RedisTarget target, RedMutexProperties properties, String clientName) {
    RedMutex.Builder builder = RedMutex.builder().uri(target.uri());
    if (target.sentinelPassword() != null) {
      builder.sentinelCredentials(target.sentinelUsername(), target.sentinelPassword());
    }
    if (properties.getKeyPrefix() != null) {
      builder.keyPrefix(properties.getKeyPrefix());
    }
    if (clientName != null) {
      builder.clientName(clientName);
    }
    return builder.commandTimeout(properties.getHealth().getTimeout());
  }

  /**
   * Boot's Lettuce {@code ClientResources} bean, if there is exactly one, so redmutex shares its
   * event loops; the client bean is made to depend on it, so it is closed first.
   */
  static void shareClientResources(
      RedMutex.Builder builder, ConfigurableListableBeanFactory beans, String clientBeanName) {
    if (!ClassUtils.isPresent(
        "io.lettuce.core.resource.ClientResources", RedMutexClients.class.getClassLoader())) {
      return;
    }
    String[] names = beans.getBeanNamesForType(ClientResources.class, false, false);
    if (names.length == 1) {
      builder.clientResources(beans.getBean(names[0], ClientResources.class));
      beans.registerDependentBean(names[0], clientBeanName);
    }
  }

  /** The listener beans as one, or null if there are none. */
  static LockListener listener(List<LockListener> listeners) {
    if (listeners.isEmpty()) {
      return null;
    }
    return listeners.size() == 1 ? listeners.get(0) : new CompositeLockListener(listeners);
  }

  /** Builds, turning a rejected option into an error that names its property. */
  static RedMutex build(
      RedMutex.Builder builder, RedisTarget target, String clientName, Environment environment) {
    try {
      return builder.build();
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(explain(e.getMessage(), target, clientName, environment), e);
    }
  }

  private static String explain(
      String message, RedisTarget target, String clientName, Environment environment) {
    for (Map.Entry<String, String> option : PROPERTIES.entrySet()) {
      if (message.startsWith(option.getKey())) {
        String property = option.getValue();
        if (option.getKey().equals("clientName")
            && environment.getProperty("redmutex.client-name") == null) {
          property =
              "redmutex.client-name (unset, so spring.application.name '"
                  + clientName
                  + "' was used; set redmutex.client-name to a valid name)";
        }
        return "Invalid " + property + ": " + message;
      }
    }
    return "redmutex cannot connect to " + target + ": " + message;
  }
}
