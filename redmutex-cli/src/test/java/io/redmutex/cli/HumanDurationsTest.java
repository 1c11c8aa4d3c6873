package io.redmutex.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class HumanDurationsTest {

  @Test
  void parse_acceptsUnitsCombinationsAndIso() {
    assertThat(HumanDurations.parse("0s")).isEqualTo(Duration.ZERO);
    assertThat(HumanDurations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(HumanDurations.parse("1.5s")).isEqualTo(Duration.ofMillis(1500));
    assertThat(HumanDurations.parse("5m")).isEqualTo(Duration.ofMinutes(5));
    assertThat(HumanDurations.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(HumanDurations.parse("2d")).isEqualTo(Duration.ofDays(2));
    assertThat(HumanDurations.parse("PT30S")).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void parse_rejectsANumberWithoutUnit_insteadOfGuessing() {
    assertThatThrownBy(() -> HumanDurations.parse("30"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("add a unit, e.g. 30s");
  }

  @Test
  void parse_zeroNeedsNoUnit() {
    assertThat(HumanDurations.parse("0")).isEqualTo(Duration.ZERO);
    assertThat(HumanDurations.parse("0.0")).isEqualTo(Duration.ZERO);
  }

  @Test
  void parse_rejectsGarbageAndNegatives() {
    for (String bad : new String[] {"", "s", "5x", "5s ago", "-5s", "PT-5S", "1s2"}) {
      assertThatThrownBy(() -> HumanDurations.parse(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("invalid duration");
    }
  }

  @Test
  void format_isShortAndReadable() {
    assertThat(HumanDurations.format(Duration.ofMillis(850))).isEqualTo("850ms");
    assertThat(HumanDurations.format(Duration.ofMillis(12_340))).isEqualTo("12.3s");
    assertThat(HumanDurations.format(Duration.ofSeconds(10))).isEqualTo("10s");
    assertThat(HumanDurations.format(Duration.ofSeconds(303))).isEqualTo("5m03s");
    assertThat(HumanDurations.format(Duration.ofMinutes(125))).isEqualTo("2h05m");
    assertThat(HumanDurations.format(Duration.ofHours(76))).isEqualTo("3d04h");
    assertThat(HumanDurations.format(Duration.ofNanos(1_500_000))).isEqualTo("1.5ms");
  }
}
