package io.redmutex.spring.test;

import static org.assertj.core.api.Assertions.assertThat;

import io.redmutex.testkit.RedisServer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.context.support.GenericApplicationContext;

/** The server's life: one per context, stopped with it; equal settings share a cached context. */
class RedMutexServerContextCustomizerTest {

  @Test
  void theServer_startsWithTheContext_andStopsWhenItCloses() {
    RedisServer server;
    try (GenericApplicationContext context = new GenericApplicationContext()) {
      new RedMutexServerContextCustomizer("").customizeContext(context, null);
      context.refresh();
      server = context.getBean(RedisServer.class);
      assertThat(server.isRunning()).isTrue();
      assertThat(context.getEnvironment().getProperty("redmutex.uri")).isEqualTo(server.uri());
      assertThat(context.getBean(TestServerConnectionDetails.class).getStandalone().getPort())
          .isEqualTo(server.port());
    }
    assertThat(server.isRunning()).isFalse();
  }

  @Test
  void customizers_areEqual_forEqualSettings() {
    assertThat(new RedMutexServerContextCustomizer(""))
        .isEqualTo(new RedMutexServerContextCustomizer(""))
        .hasSameHashCodeAs(new RedMutexServerContextCustomizer(""))
        .isNotEqualTo(new RedMutexServerContextCustomizer("pw"));
  }

  @Test
  void theFactory_customizesOnlyAnnotatedTests() {
    RedMutexServerContextCustomizerFactory factory = new RedMutexServerContextCustomizerFactory();
    assertThat(factory.createContextCustomizer(Annotated.class, List.of()))
        .isEqualTo(new RedMutexServerContextCustomizer(""));
    assertThat(factory.createContextCustomizer(String.class, List.of())).isNull();
  }

  @AutoConfigureRedMutexServer
  static class Annotated {}
}
