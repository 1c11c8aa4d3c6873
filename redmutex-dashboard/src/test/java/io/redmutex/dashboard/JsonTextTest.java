package io.redmutex.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.redmutex.dashboard.internal.JsonText;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTextTest {
  @Test
  void write_escapesMarkupAndNonAscii_soNoNameReachesThePageAsHtml() {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("name", "<script>alert('x')</script> & \"é\"\n");
    row.put("token", 1765057000000000L);
    row.put("held", true);
    row.put("none", null);
    row.put("list", Arrays.asList(1, "a"));
    assertThat(JsonText.write(row))
        .isEqualTo(
            "{\"name\":\"\\u003cscript\\u003ealert(\\u0027x\\u0027)\\u003c/script\\u003e \\u0026"
                + " \\u0022\\u00e9\\u0022\\u000a\",\"token\":1765057000000000,\"held\":true,"
                + "\"none\":null,\"list\":[1,\"a\"]}");
  }

  @Test
  void readObject_keepsLargeIntegersExact() {
    Map<String, Object> body =
        JsonText.readObject(
            " { \"name\" : \"a\\u003cb\\\"\", \"fencingToken\": 1765057000000001 } ");
    assertThat(body)
        .containsEntry("name", "a<b\"")
        .containsEntry("fencingToken", 1765057000000001L);
  }

  @Test
  void readObject_refusesWhatIsNotOneFlatObject() {
    assertThatThrownBy(() -> JsonText.readObject("{\"a\":1} x"))
        .hasMessageContaining("text after the object");
    assertThatThrownBy(() -> JsonText.readObject("{\"a\":[1]}"))
        .hasMessageContaining("expected a string, number, boolean or null");
    assertThatThrownBy(() -> JsonText.readObject("{\"a\":\"open"))
        .hasMessageContaining("unexpected end");
  }
}
