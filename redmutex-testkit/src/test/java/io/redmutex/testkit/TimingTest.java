package io.redmutex.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TimingTest {

  private String saved;

  @BeforeEach
  void save() {
    saved = System.getProperty(Timing.PROPERTY);
  }

  @AfterEach
  void restore() {
    if (saved == null) {
      System.clearProperty(Timing.PROPERTY);
    } else {
      System.setProperty(Timing.PROPERTY, saved);
    }
  }

  @Test
  void multiplier_whenUnset_isOne() {
    System.clearProperty(Timing.PROPERTY);

    assertThat(Timing.multiplier()).isEqualTo(1.0);
    assertThat(Timing.scaled(Duration.ofMillis(1500))).isEqualTo(Duration.ofMillis(1500));
  }

  @Test
  void scaled_multipliesDurationsAndMillis() {
    System.setProperty(Timing.PROPERTY, " 2.5 ");

    assertThat(Timing.multiplier()).isEqualTo(2.5);
    assertThat(Timing.scaled(Duration.ofSeconds(2))).isEqualTo(Duration.ofSeconds(5));
    assertThat(Timing.scaledMillis(3)).isEqualTo(8); // 7.5 rounds up
    assertThat(Timing.scaled(Duration.ZERO)).isEqualTo(Duration.ZERO);
  }

  @Test
  void scaled_saturatesInsteadOfOverflowing() {
    System.setProperty(Timing.PROPERTY, "10");

    assertThat(Timing.scaled(Duration.ofDays(365L * 1000)))
        .isEqualTo(Duration.ofNanos(Long.MAX_VALUE));
    assertThat(Timing.scaledMillis(Long.MAX_VALUE / 2)).isEqualTo(Long.MAX_VALUE);
  }

  @ParameterizedTest
  @ValueSource(strings = {"fast", "0", "-1", "NaN", "Infinity"})
  void multiplier_whenInvalid_throwsNamingTheProperty(String value) {
    System.setProperty(Timing.PROPERTY, value);

    assertThatThrownBy(Timing::multiplier)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("redmutex.timing")
        .hasMessageContaining("'" + value + "'");
  }

  @Test
  void scaled_ofANegativeValue_throws() {
    assertThatThrownBy(() -> Timing.scaled(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Timing.scaledMillis(-1)).isInstanceOf(IllegalArgumentException.class);
  }
}
