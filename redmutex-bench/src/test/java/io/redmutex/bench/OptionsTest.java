package io.redmutex.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class OptionsTest {

  @Test
  void noArguments_meanAFullRunOnItsOwnRedis() {
    Options options = Options.parse();
    assertThat(options.mode()).isEqualTo(Mode.FULL);
    assertThat(options.json()).isEmpty();
    assertThat(options.redis()).isEmpty();
  }

  @Test
  void everyOption_isRead() {
    Options options =
        Options.parse("--smoke", "--json", "out.json", "--redis", "redis://:pw@127.0.0.1:7000");
    assertThat(options.mode()).isEqualTo(Mode.SMOKE);
    assertThat(options.json()).contains(Path.of("out.json"));
    assertThat(options.redis()).contains("redis://:pw@127.0.0.1:7000");
    assertThat(Options.parse("--quick").mode()).isEqualTo(Mode.QUICK);
  }

  @Test
  void badCommandLines_failWithAMessage() {
    assertThatThrownBy(() -> Options.parse("--fast")).hasMessageContaining("unknown argument");
    assertThatThrownBy(() -> Options.parse("--quick", "--smoke")).hasMessageContaining("one of");
    assertThatThrownBy(() -> Options.parse("--json")).hasMessageContaining("needs a value");
    assertThatThrownBy(() -> Options.parse("--json", "--quick"))
        .hasMessageContaining("needs a value");
    assertThatThrownBy(() -> Options.parse("--redis", "localhost:6379"))
        .hasMessageContaining("redis://");
  }

  @Test
  void redisTarget_readsHostPortAndPassword() {
    RedisTarget target = RedisTarget.parse("redis://:s%40cret@127.0.0.1:7000");
    assertThat(target.host()).isEqualTo("127.0.0.1");
    assertThat(target.port()).isEqualTo(7000);
    assertThat(target.password()).isEqualTo("s@cret");
    assertThat(RedisTarget.parse("redis://localhost").port()).isEqualTo(6379);
    assertThat(RedisTarget.parse("redis://localhost").password()).isNull();
  }
}
