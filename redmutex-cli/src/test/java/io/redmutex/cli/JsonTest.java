package io.redmutex.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
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
  void strings_escapeEveryControlCharacter() {
    for (char c = 0; c < 0x20; c++) {
      String escaped =
          switch (c) {
            case '\n' -> "\\n";
            case '\r' -> "\\r";
            case '\t' -> "\\t";
            default -> String.format("\\u%04x", (int) c);
          };
      assertThat(Json.string("a" + c + "b")).isEqualTo("\"a" + escaped + "b\"");
    }
    assertThat(Json.string("\u007f")).isEqualTo("\"\\u007f\"");
  }

  /**
   * Only printable ASCII comes out: under the C locale (cron's, many containers') the JVM writes
   * any other character to stdout as '?', and the name in the JSON would no longer be the lock's.
   */
  @Test
  void strings_nonAscii_asUnicodeEscapes_nonBmpAsASurrogatePair() {
    assertThat(Json.string("caf\u00e9")).isEqualTo("\"caf\\u00e9\"");
    assertThat(Json.string("\u2028")).isEqualTo("\"\\u2028\"");
    assertThat(Json.string("\uD83D\uDE00")).isEqualTo("\"\\ud83d\\ude00\"");
  }

  @Test
  void strings_loneSurrogates_areEscaped_notReplaced() {
    assertThat(Json.string("a\uD800b\uDC00")).isEqualTo("\"a\\ud800b\\udc00\"");
  }

  @Test
  void strings_everyCharacter_printableAscii_andReadsBackTheSame() throws Exception {
    StringBuilder every = new StringBuilder();
    for (int c = 0; c <= 0xFFFF; c++) {
      every.append((char) c);
    }
    every.append("\uD83D\uDE00 \\\" end");
    String json = Json.string(every.toString());

    assertThat(json).matches("\"[\\x20-\\x7e]*\"");
    assertThat(new ObjectMapper().readValue(json, String.class)).isEqualTo(every.toString());
  }

  @Test
  void array_readsBackAsTheSameObjects() throws Exception {
    Map<String, Object> lock = new LinkedHashMap<>();
    lock.put("name", "q\"\\\u0000\u00e9\uD83D\uDE00");
    lock.put("held", false);
    lock.put("ttlMillis", null);
    lock.put("fencingToken", Long.MAX_VALUE);

    List<Map<String, Object>> read =
        new ObjectMapper().readValue(Json.array(List.of(lock, lock)), new TypeReference<>() {});
    assertThat(read).isEqualTo(List.of(lock, lock));
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
