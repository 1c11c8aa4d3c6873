package io.redmutex.example;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.redmutex.RedMutex;
import io.redmutex.shedlock.RedMutexLockProvider;
import io.redmutex.testkit.RedisServer;
import java.io.PrintStream;
import java.util.Arrays;
import net.javacrumbs.shedlock.spring.annotation.EnableSchedulerLock;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * "orders", an example Spring Boot service on redmutex: {@code @Locked} per order with fenced
 * writes to a database, and a scheduled job under ShedLock. {@code main} starts a throwaway
 * redis-server (or uses {@code --redis=URI}), runs {@link OrdersScenario}, prints what happened and
 * exits 0 when every check held.
 */
@SpringBootApplication
@EnableScheduling
@EnableSchedulerLock(defaultLockAtMostFor = "PT30S")
public class OrdersExample {

  /** ShedLock's locks are redmutex leases, under "shedlock:". */
  @Bean(destroyMethod = "close")
  RedMutexLockProvider lockProvider(RedMutex redMutex) {
    return new RedMutexLockProvider(redMutex, "shedlock:");
  }

  /** Where the starter's meters go; the scenario prints them at the end. */
  @Bean
  SimpleMeterRegistry meterRegistry() {
    return new SimpleMeterRegistry();
  }

  public static void main(String[] args) throws Exception {
    System.exit(run(args, System.out));
  }

  /** Runs the example; returns the exit code. */
  public static int run(String[] args, PrintStream out) throws Exception {
    String given =
        Arrays.stream(args)
            .filter(a -> a.startsWith("--redis="))
            .map(a -> a.substring("--redis=".length()))
            .findFirst()
            .orElse(null);
    RedisServer throwaway = given == null ? RedisServer.start() : null;
    try {
      String uri = given != null ? given : throwaway.uri();
      out.println(
          "orders example on "
              + (throwaway != null
                  ? "a throwaway " + throwaway.binary() + " on port " + throwaway.port()
                  : "the Redis of --redis (keys under redmutex-example:)")
              + "\n");
      try (ConfigurableApplicationContext context =
          new SpringApplicationBuilder(OrdersExample.class)
              .properties("redmutex.uri=" + uri, "redmutex.key-prefix=redmutex-example:")
              .run(args)) {
        return context.getBean(OrdersScenario.class).run(out) ? 0 : 1;
      }
    } finally {
      if (throwaway != null) {
        throwaway.close();
      }
    }
  }
}
