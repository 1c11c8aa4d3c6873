package io.redmutex.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.redmutex.Lease;
import io.redmutex.RedMutex;
import io.redmutex.testkit.RedisServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** One password-protected redis-server, described by spring.data.redis.host/port/password. */
class StandaloneConnectionTest extends ConnectionContractTest {
  /** A password a URI must escape: @ : / % + and a space. */
  static final String PASSWORD = "p@ss:w/rd %x+";

  private static RedisServer server;

  @BeforeAll
  static void startServer() {
    server = RedisServer.builder().password(PASSWORD).start();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @Override
  protected String[] springDataRedisProperties() {
    return new String[] {
      "spring.data.redis.host=" + server.host(),
      "spring.data.redis.port=" + server.port(),
      "spring.data.redis.password=" + PASSWORD,
      "spring.data.redis.database=3"
    };
  }

  @Override
  protected String admin(String key, String... args) {
    String[] select = new String[args.length];
    System.arraycopy(args, 0, select, 0, args.length);
    // The lock lives in database 3, as spring.data.redis.database says.
    return server.command(
        concat("EVAL", "redis.call('SELECT', 3) return redis.call(unpack(ARGV))", "0", select));
  }

  @Override
  protected String clientList(String key) {
    return server.command("CLIENT", "LIST");
  }

  private static String[] concat(String a, String b, String c, String[] rest) {
    String[] all = new String[rest.length + 3];
    all[0] = a;
    all[1] = b;
    all[2] = c;
    System.arraycopy(rest, 0, all, 3, rest.length);
    return all;
  }

  @Test
  void withoutSpringDataRedis_theSpringDataRedisPropertiesAreStillFollowed() {
    new ApplicationContextRunner()
        .withClassLoader(new FilteredClassLoader(DataRedisConnectionDetails.class))
        .withConfiguration(AutoConfigurations.of(RedMutexAutoConfiguration.class))
        .withPropertyValues(springDataRedisProperties())
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context.getBean(RedisTarget.class).source())
                  .isEqualTo("spring.data.redis.*");
              try (Lease lease =
                  context.getBean(RedMutex.class).acquire("conn:nodata", Duration.ofSeconds(5))) {
                assertThat(admin("conn:nodata", "EXISTS", "conn:nodata")).isEqualTo("1");
              }
            });
  }

  @Test
  void redmutexUri_overridesSpringDataRedis() {
    runner()
        .withPropertyValues(
            "spring.data.redis.port=1", // nothing listens there
            "redmutex.uri=" + server.uri())
        .run(
            context -> {
              assertThat(context.getBean(RedisTarget.class).source()).isEqualTo("redmutex.uri");
              try (Lease lease =
                  context.getBean(RedMutex.class).acquire("conn:uri", Duration.ofSeconds(5))) {
                assertThat(server.command("EXISTS", "conn:uri")).isEqualTo("1");
              }
            });
  }

  @Test
  void aConnectionDetailsBean_isFollowed_asWithServiceConnection() {
    DataRedisConnectionDetails details =
        new DataRedisConnectionDetails() {
          @Override
          public String getPassword() {
            return PASSWORD;
          }

          @Override
          public Standalone getStandalone() {
            return Standalone.of(server.host(), server.port(), 0);
          }
        };
    runner()
        .withPropertyValues("spring.data.redis.port=1")
        .withBean(DataRedisConnectionDetails.class, () -> details)
        .run(
            context -> {
              try (Lease lease =
                  context.getBean(RedMutex.class).acquire("conn:details", Duration.ofSeconds(5))) {
                assertThat(server.command("EXISTS", "conn:details")).isEqualTo("1");
              }
            });
  }

  @Test
  void bootsClientResourcesBean_isShared_andOutlivesTheClient() {
    ClientResources shared = DefaultClientResources.create();
    try {
      runner()
          .withBean(ClientResources.class, () -> shared)
          .run(
              context -> {
                context
                    .getBean(RedMutex.class)
                    .acquire("conn:shared", Duration.ofSeconds(5))
                    .close();
                assertThat(context.getBeanFactory().getDependentBeans("clientResources"))
                    .contains("redMutex");
              });
    } finally {
      shared.shutdown();
    }
  }

  @Test
  void customizers_adjustTheBuilder_andListenerBeansAreAllTold() {
    java.util.List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
    runner()
        .withBean(
            RedMutexBuilderCustomizer.class,
            () -> builder -> builder.leaseTime(Duration.ofSeconds(7)))
        .withBean(
            "first",
            io.redmutex.LockListener.class,
            () ->
                new io.redmutex.LockListener() {
                  @Override
                  public void released(String name, long token, Duration held) {
                    events.add("first " + name);
                  }
                })
        .withBean(
            "second",
            io.redmutex.LockListener.class,
            () ->
                new io.redmutex.LockListener() {
                  @Override
                  public void released(String name, long token, Duration held) {
                    events.add("second " + name);
                  }
                })
        .run(
            context -> {
              try (Lease lease =
                  context.getBean(RedMutex.class).acquire("conn:custom", Duration.ofSeconds(5))) {
                long ttl = Long.parseLong(admin("conn:custom", "PTTL", "conn:custom"));
                assertThat(ttl).isPositive().isLessThanOrEqualTo(7_000); // not the default 30 s
              }
              org.awaitility.Awaitility.await()
                  .atMost(Duration.ofSeconds(30))
                  .until(() -> events.size() == 2);
              assertThat(events)
                  .containsExactlyInAnyOrder("first conn:custom", "second conn:custom");
            });
  }

  @Test
  void aCustomizerSettingAListener_besideListenerBeans_failsTheStart_sayingWhatToDo() {
    runner()
        .withBean(
            RedMutexBuilderCustomizer.class,
            () -> builder -> builder.listener(new io.redmutex.LockListener() {}))
        .withBean(io.redmutex.LockListener.class, () -> new io.redmutex.LockListener() {})
        .run(
            context ->
                assertThat(context.getStartupFailure())
                    .hasStackTraceContaining(
                        "declare the customizer's listener as a LockListener bean"));
  }

  @Test
  void anInvalidApplicationName_failsTheStart_namingTheProperty() {
    runner()
        .withPropertyValues("spring.application.name=my orders service")
        .run(
            context ->
                assertThat(context).getFailure().rootCause().hasMessageContaining("clientName"));
    runner()
        .withPropertyValues("spring.application.name=my orders service")
        .run(
            context ->
                assertThat(context.getStartupFailure())
                    .hasStackTraceContaining("Invalid redmutex.client-name")
                    .hasStackTraceContaining("spring.application.name 'my orders service'"));
  }
}
