package io.redmutex.spring;

import java.util.List;
import java.util.Optional;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;

/**
 * The connection target from Spring Boot's {@link DataRedisConnectionDetails}: the bean Boot makes
 * from {@code spring.data.redis.*}, or one from {@code @ServiceConnection} or the application.
 * Loaded only when Spring Data Redis's auto-configuration is on the class path.
 */
final class DataRedisTargets {
  private DataRedisTargets() {}

  static Optional<RedisTarget> find(ListableBeanFactory beans) {
    String[] names = beans.getBeanNamesForType(DataRedisConnectionDetails.class);
    if (names.length == 0) {
      return Optional.empty();
    }
    DataRedisConnectionDetails details =
        beans.getBeanProvider(DataRedisConnectionDetails.class).getIfUnique();
    if (details == null) {
      throw new IllegalStateException(
          "several DataRedisConnectionDetails beans and none primary: "
              + List.of(names)
              + "; mark one @Primary or set redmutex.uri");
    }
    return Optional.of(from(details, "DataRedisConnectionDetails bean (spring.data.redis.*)"));
  }

  static RedisTarget from(DataRedisConnectionDetails details, String source) {
    boolean ssl = details.getSslBundle() != null;
    DataRedisConnectionDetails.Sentinel sentinel = details.getSentinel();
    if (sentinel != null) {
      return RedisTarget.sentinel(
          sentinel.getMaster(),
          nodes(sentinel.getNodes()),
          sentinel.getDatabase(),
          details.getUsername(),
          details.getPassword(),
          sentinel.getUsername(),
          sentinel.getPassword(),
          ssl,
          source);
    }
    DataRedisConnectionDetails.Cluster cluster = details.getCluster();
    if (cluster != null) {
      return RedisTarget.cluster(
          nodes(cluster.getNodes()), details.getUsername(), details.getPassword(), ssl, source);
    }
    if (details.getMasterReplica() != null) {
      throw RedisTargets.unsupportedMasterReplica(source);
    }
    DataRedisConnectionDetails.Standalone standalone = details.getStandalone();
    return RedisTarget.standalone(
        standalone.getHost(),
        standalone.getPort(),
        standalone.getDatabase(),
        details.getUsername(),
        details.getPassword(),
        ssl,
        source);
  }

  private static List<RedisTarget.Node> nodes(List<DataRedisConnectionDetails.Node> nodes) {
    return nodes.stream().map(n -> new RedisTarget.Node(n.host(), n.port())).toList();
  }
}
