package io.redmutex.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.redmutex.Lease;
import io.redmutex.RedMutex;
import io.redmutex.testkit.PrintRedisLogsOnFailure;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * The auto-configured client connects where Spring Data Redis connects, for one topology: each
 * subclass starts real servers and says which {@code spring.data.redis.*} properties describe them.
 */
@ExtendWith(PrintRedisLogsOnFailure.class)
abstract class ConnectionContractTest {

  /** The {@code spring.data.redis.*} properties that point at this topology's servers. */
  protected abstract String[] springDataRedisProperties();

  /** Runs a command on the server holding {@code key} (the master). */
  protected abstract String admin(String key, String... args);

  /** The CLIENT LIST output of the servers holding {@code key}. */
  protected abstract String clientList(String key);

  protected ApplicationContextRunner runner() {
    return new ApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(
                DataRedisAutoConfiguration.class, RedMutexAutoConfiguration.class))
        .withPropertyValues(springDataRedisProperties());
  }

  @Test
  void acquire_throughTheAutoConfiguredClient_writesTheLockKeyWhereSpringDataRedisConnects() {
    runner()
        .run(
            context -> {
              RedMutex mutex = context.getBean(RedMutex.class);
              try (Lease lease = mutex.acquire("conn:contract", Duration.ofSeconds(5))) {
                assertThat(lease.isHeld()).isTrue();
                assertThat(admin("conn:contract", "EXISTS", "conn:contract")).isEqualTo("1");
              }
              assertThat(admin("conn:contract", "EXISTS", "conn:contract")).isEqualTo("0");
            });
  }

  @Test
  void clientName_defaultsToTheApplicationName() {
    runner()
        .withPropertyValues("spring.application.name=orders-service")
        .run(
            context -> {
              RedMutex mutex = context.getBean(RedMutex.class);
              mutex.acquire("conn:name", Duration.ofSeconds(5)).close();
              assertThat(clientList("conn:name")).contains("name=orders-service");
            });
  }

  @Test
  void keyPrefixProperty_isAppliedToTheKeys() {
    runner()
        .withPropertyValues("redmutex.key-prefix=app1:")
        .run(
            context -> {
              RedMutex mutex = context.getBean(RedMutex.class);
              try (Lease lease = mutex.acquire("conn:prefixed", Duration.ofSeconds(5))) {
                assertThat(admin("app1:conn:prefixed", "EXISTS", "app1:conn:prefixed"))
                    .isEqualTo("1");
              }
            });
  }
}
