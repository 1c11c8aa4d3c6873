package io.redmutex.cli;

import java.util.List;
import java.util.Map;

/**
 * Just enough JSON for {@code --json} output: objects of strings, numbers, booleans and nulls, in
 * arrays. One object per line inside the array, so that line tools work on it too; printable ASCII
 * only (see {@link #string}). Hand-written rather than Jackson: the first JSON written with
 * jackson-core took about 0.1 s of class loading in a command that starts in well under a second.
 */
final class Json {
  private Json() {}

  /**
   * An array of objects; a value is a {@link String}, {@link Number}, {@link Boolean}, null, or a
   * {@link List} or {@link Map} of those.
   */
  static String array(List<Map<String, Object>> objects) {
    if (objects.isEmpty()) {
      return "[]";
    }
    StringBuilder out = new StringBuilder("[\n");
    for (int i = 0; i < objects.size(); i++) {
      out.append("  ").append(object(objects.get(i)));
      out.append(i + 1 < objects.size() ? ",\n" : "\n");
    }
    return out.append("]").toString();
  }

  static String object(Map<String, Object> fields) {
    StringBuilder out = new StringBuilder("{");
    boolean first = true;
    for (Map.Entry<String, Object> field : fields.entrySet()) {
      if (!first) {
        out.append(", ");
      }
      first = false;
      out.append(string(field.getKey())).append(": ").append(value(field.getValue()));
    }
    return out.append("}").toString();
  }

  private static String value(Object value) {
    if (value == null) {
      return "null";
    }
    if (value instanceof Number || value instanceof Boolean) {
      return value.toString();
    }
    if (value instanceof String text) {
      return string(text);
    }
    if (value instanceof List<?> list) { // nested: a status holder list
      StringBuilder out = new StringBuilder("[");
      for (int i = 0; i < list.size(); i++) {
        out.append(i == 0 ? "" : ", ").append(value(list.get(i)));
      }
      return out.append("]").toString();
    }
    if (value instanceof Map<?, ?> map) {
      StringBuilder out = new StringBuilder("{");
      for (Map.Entry<?, ?> field : map.entrySet()) {
        out.append(out.length() == 1 ? "" : ", ");
        out.append(string(String.valueOf(field.getKey())))
            .append(": ")
            .append(value(field.getValue()));
      }
      return out.append("}").toString();
    }
    throw new IllegalArgumentException("not a JSON value: " + value.getClass().getName());
  }

  /**
   * A JSON string in printable ASCII: quotes and backslashes escaped, {@code \n \r \t}, and every
   * other character outside U+0020..U+007E as a backslash, {@code u} and four hex digits (a
   * character beyond the BMP as its two surrogates, a lone surrogate as itself). Under the C locale
   * (cron's, many containers'), Java writes any non-ASCII character to stdout as '?', which would
   * change the names in the output.
   */
  static String string(String text) {
    StringBuilder out = new StringBuilder(text.length() + 2).append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c >= 0x20 && c <= 0x7e) {
            out.append(c);
          } else {
            String hex = Integer.toHexString(c);
            out.append("\\u").append("0".repeat(4 - hex.length())).append(hex);
          }
        }
      }
    }
    return out.append('"').toString();
  }
}
