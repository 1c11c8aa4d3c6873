package io.redmutex.spring;

import java.util.List;
import java.util.Optional;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;

/**
 * Decides where the auto-configured client connects, in this order: {@code redmutex.uri}; Spring
 * Boot's {@code DataRedisConnectionDetails} bean (from {@code spring.data.redis.*}, a
 * {@code @ServiceConnection} or the application's own), when Spring Data Redis is present; the
 * {@code spring.data.redis.*} properties read directly, when it is not; {@code localhost:6379}.
 */
final class RedisTargets {
  static final String DATA_REDIS_DETAILS =
      "org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails";
  private static final String PREFIX = "spring.data.redis.";

  private RedisTargets() {}

  static RedisTarget resolve(
      RedMutexProperties properties, Environment environment, ListableBeanFactory beans) {
    String uri = properties.getUri();
    if (uri != null && !uri.isBlank()) {
      return new RedisTarget(uri.trim(), null, null, "redmutex.uri");
    }
    if (ClassUtils.isPresent(DATA_REDIS_DETAILS, RedisTargets.class.getClassLoader())) {
      Optional<RedisTarget> fromDetails = DataRedisTargets.find(beans);
      if (fromDetails.isPresent()) {
        return fromDetails.get();
      }
    }
    return fromProperties(Binder.get(environment));
  }

  /** Reads {@code spring.data.redis.*} the way Spring Boot does, without Spring Data Redis. */
  static RedisTarget fromProperties(Binder binder) {
    String source = "spring.data.redis.*";
    String url = string(binder, "url");
    if (url != null) {
      return new RedisTarget(url, null, null, "spring.data.redis.url");
    }
    String username = string(binder, "username");
    String password = string(binder, "password");
    boolean ssl = binder.bind(PREFIX + "ssl.enabled", Boolean.class).orElse(false);
    int database = binder.bind(PREFIX + "database", Integer.class).orElse(0);
    String master = string(binder, "sentinel.master");
    List<String> sentinels = list(binder, "sentinel.nodes");
    if (master != null || !sentinels.isEmpty()) {
      return RedisTarget.sentinel(
          master,
          sentinels.stream().map(n -> RedisTarget.node(n, PREFIX + "sentinel.nodes")).toList(),
          database,
          username,
          password,
          string(binder, "sentinel.username"),
          string(binder, "sentinel.password"),
          ssl,
          source);
    }
    List<String> cluster = list(binder, "cluster.nodes");
    if (!cluster.isEmpty()) {
      return RedisTarget.cluster(
          cluster.stream().map(n -> RedisTarget.node(n, PREFIX + "cluster.nodes")).toList(),
          username,
          password,
          ssl,
          source);
    }
    if (!list(binder, "masterreplica.nodes").isEmpty()) {
      throw unsupportedMasterReplica(source);
    }
    String host = binder.bind(PREFIX + "host", String.class).orElse("localhost");
    int port = binder.bind(PREFIX + "port", Integer.class).orElse(6379);
    return RedisTarget.standalone(host, port, database, username, password, ssl, source);
  }

  static IllegalStateException unsupportedMasterReplica(String source) {
    return new IllegalStateException(
        source
            + " describes a static master/replica set (masterreplica.nodes), which redmutex does"
            + " not support: it must write to the master; set redmutex.uri to the master"
            + " (redis://...) or to your Sentinels (redis-sentinel://...#master)");
  }

  private static String string(Binder binder, String name) {
    String value = binder.bind(PREFIX + name, String.class).map(String::trim).orElse("");
    return value.isEmpty() ? null : value;
  }

  private static List<String> list(Binder binder, String name) {
    return binder.bind(PREFIX + name, Bindable.listOf(String.class)).orElse(List.of());
  }
}
