package io.redmutex.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.redmutex.Lease;
import io.redmutex.testkit.PrintRedisLogsOnFailure;
import io.redmutex.testkit.RedisServer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * {@code @Locked} + {@code @Transactional} on one method, with a real (H2 in-memory) database: the
 * transaction commits while the lease is still held, and the fencing token reaches the table.
 */
@ExtendWith(PrintRedisLogsOnFailure.class)
class LockedTransactionalTest {
  private static RedisServer server;

  @BeforeAll
  static void startServer() {
    server = RedisServer.start();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  private ApplicationContextRunner runner() {
    return new ApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(
                DataSourceAutoConfiguration.class,
                DataSourceTransactionManagerAutoConfiguration.class,
                JdbcTemplateAutoConfiguration.class,
                TransactionAutoConfiguration.class,
                RedMutexAutoConfiguration.class))
        .withPropertyValues(
            "redmutex.uri=" + server.uri(),
            "spring.datasource.url=jdbc:h2:mem:orders;DB_CLOSE_DELAY=-1",
            "spring.datasource.generate-unique-name=false")
        .withBean(Payments.class);
  }

  /** Charges an order, writing the fencing token next to it. */
  static class Payments {
    private final JdbcTemplate jdbc;
    private final List<String> atCommit = new CopyOnWriteArrayList<>();

    Payments(JdbcTemplate jdbc) {
      this.jdbc = jdbc;
      jdbc.execute("create table if not exists charge (order_id bigint primary key, fence bigint)");
    }

    @Locked(name = "'orders:' + #orderId")
    @Transactional
    public void charge(long orderId) {
      Lease lease = Locks.currentLease();
      jdbc.update("merge into charge key (order_id) values (?, ?)", orderId, lease.fencingToken());
      TransactionSynchronizationManager.registerSynchronization(
          new TransactionSynchronization() {
            @Override
            public void afterCommit() {
              atCommit.add(
                  "held="
                      + lease.isHeld()
                      + " key="
                      + server.command("EXISTS", "orders:" + orderId)
                      + " committed="
                      + jdbc.queryForObject(
                          "select fence from charge where order_id = ?", Long.class, orderId));
            }
          });
    }

    public List<String> atCommit() {
      return atCommit;
    }

    public long fence(long orderId) {
      return jdbc.queryForObject(
          "select fence from charge where order_id = ?", Long.class, orderId);
    }
  }

  /** Puts the transaction advice outside every other advice, @Locked included. */
  @org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
  @org.springframework.transaction.annotation.EnableTransactionManagement(order = 0)
  static class TransactionsFirst {}

  @Test
  void transactionCommits_whileTheLeaseIsStillHeld_byDefault() {
    runner()
        .run(
            context -> {
              Payments payments = context.getBean(Payments.class);
              payments.charge(42);
              long fence = payments.fence(42);
              assertThat(payments.atCommit()).containsExactly("held=true key=1 committed=" + fence);
              assertThat(server.command("EXISTS", "orders:42")).isEqualTo("0");
            });
  }

  @Test
  void withTheAdviceOrderedInsideTheTransaction_theLeaseIsGoneBeforeTheCommit() {
    // The counter-case, proving the test above can fail: @Locked inside @Transactional.
    runner()
        .withUserConfiguration(TransactionsFirst.class)
        .run(
            context -> {
              Payments payments = context.getBean(Payments.class);
              payments.charge(43);
              assertThat(payments.atCommit())
                  .singleElement()
                  .asString()
                  .startsWith("held=false key=0");
            });
  }
}
