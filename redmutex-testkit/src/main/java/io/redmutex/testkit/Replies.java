package io.redmutex.testkit;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads structured replies of admin commands: {@code INFO} text and flat key/value arrays. */
final class Replies {

  private Replies() {}

  /** {@code INFO} text ({@code name:value} lines, {@code #} section headers) as a map. */
  static Map<String, String> info(String text) {
    Map<String, String> fields = new LinkedHashMap<>();
    if (text == null) {
      return fields;
    }
    for (String line : text.split("\r?\n")) {
      int colon = line.indexOf(':');
      if (!line.startsWith("#") && colon > 0) {
        fields.put(line.substring(0, colon), line.substring(colon + 1).strip());
      }
    }
    return fields;
  }

  /**
   * A flat {@code [name, value, name, value]} reply (RESP2 array, or RESP3 map as {@link
   * ReplyOutput} flattens it), such as {@code SENTINEL MASTER}, as a map of strings.
   */
  static Map<String, String> pairs(Object reply) {
    Map<String, String> fields = new LinkedHashMap<>();
    if (reply instanceof List<?> list) {
      for (int i = 0; i + 1 < list.size(); i += 2) {
        fields.put(String.valueOf(list.get(i)), String.valueOf(list.get(i + 1)));
      }
    }
    return fields;
  }

  /** A list reply as a list, or an empty list for anything else (nil). */
  static List<?> list(Object reply) {
    return reply instanceof List<?> list ? list : List.of();
  }
}
