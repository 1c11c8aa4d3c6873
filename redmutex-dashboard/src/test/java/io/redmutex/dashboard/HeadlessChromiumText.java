package io.redmutex.dashboard;

import io.redmutex.dashboard.internal.JsonText;

/** JavaScript string literals for the page, and the JSON strings it answers with, read back. */
final class HeadlessChromiumText {
  private HeadlessChromiumText() {}

  /** {@code text} as a JavaScript (JSON) string literal. */
  static String quote(String text) {
    return JsonText.write(text);
  }

  /** A JSON string value, unescaped. */
  static String unquote(String json) {
    return (String) JsonText.readObject("{\"v\":" + json + "}").get("v");
  }
}
