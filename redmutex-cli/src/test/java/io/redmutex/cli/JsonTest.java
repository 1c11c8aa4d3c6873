package io.redmutex.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

  @Test
  void strings_areEscaped() {
    assertThat(Json.string("a\"b\\c\nd\te\u0001")).isEqualTo("\"a\\\"b\\\\c\\nd\\te\\u0001\"");
  }

  @Test
  void array_ofObjects_oneObjectPerLine_withNulls() {
    Map<String, Object> first = new LinkedHashMap<>();
    first.put("name", "x");
    first.put("held", true);
    first.put("ttlMillis", null);
    first.put("waiting", 2);

    assertThat(Json.array(List.of(first, Map.of("n", 1L))))
        .isEqualTo(
            "[\n  {\"name\": \"x\", \"held\": true, \"ttlMillis\": null, \"waiting\": 2},\n"
                + "  {\"n\": 1}\n]");
    assertThat(Json.array(List.of())).isEqualTo("[]");
  }
}
