package io.redmutex.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class RedisTargetTest {

  @Test
  void flag_winsOverEnvironment() {
    RedisTarget target =
        RedisTarget.resolve("redis://flag:1", Map.of("REDMUTEX_URI", "redis://env:2"));

    assertThat(target.uri()).isEqualTo("redis://flag:1");
    assertThat(target.source()).isEqualTo("--redis");
  }

  @Test
  void environment_isUsedWithoutFlag_elseTheDefault() {
    assertThat(RedisTarget.resolve(null, Map.of("REDMUTEX_URI", " redis://env:2 ")).uri())
        .isEqualTo("redis://env:2");
    assertThat(RedisTarget.resolve(null, Map.of("REDMUTEX_URI", "")).uri())
        .isEqualTo("redis://localhost:6379");
    assertThat(RedisTarget.resolve(null, Map.of()).uri()).isEqualTo("redis://localhost:6379");
  }

  @Test
  void redisPassword_isFilledIn_percentEncoded_whenTheUriHasNone() {
    RedisTarget target =
        RedisTarget.resolve("redis://h:1/0", Map.of("REDIS_PASSWORD", "p@ss:w rd"));

    assertThat(target.uri()).isEqualTo("redis://:p%40ss%3Aw%20rd@h:1/0");
    assertThat(target.source()).isEqualTo("--redis + REDIS_PASSWORD");
  }

  @Test
  void redisPassword_goesIntoSentinelUris_too() {
    RedisTarget target =
        RedisTarget.resolve(
            "redis-sentinel://s1:26379,s2:26379/0#mymaster", Map.of("REDIS_PASSWORD", "pw"));

    assertThat(target.uri()).isEqualTo("redis-sentinel://:pw@s1:26379,s2:26379/0#mymaster");
  }

  @Test
  void passwordInTheUri_isKept_andRedisPasswordIgnored() {
    RedisTarget target =
        RedisTarget.resolve("redis://user:inuri@h:1", Map.of("REDIS_PASSWORD", "fromenv"));

    assertThat(target.uri()).isEqualTo("redis://user:inuri@h:1");
    assertThat(target.password()).isEqualTo("inuri");
  }

  @Test
  void redacted_masksThePassword_keepsTheUser() {
    assertThat(RedisTarget.redact("redis://user:secret@h:1/0")).isEqualTo("redis://user:***@h:1/0");
    assertThat(RedisTarget.redact("redis://:secret@h:1")).isEqualTo("redis://:***@h:1");
    assertThat(RedisTarget.redact("redis://h:1")).isEqualTo("redis://h:1");
  }

  @Test
  void scrub_masksRawAndEncodedForms() {
    RedisTarget target = RedisTarget.resolve("redis://h:1", Map.of("REDIS_PASSWORD", "p@ss word"));

    assertThat(target.scrub("a p@ss word b p%40ss%20word c p%40ss+word d"))
        .isEqualTo("a *** b *** c *** d");
  }

  @Test
  void scrub_withoutPassword_changesNothing() {
    assertThat(RedisTarget.resolve("redis://h:1", Map.of()).scrub("text")).isEqualTo("text");
  }
}
