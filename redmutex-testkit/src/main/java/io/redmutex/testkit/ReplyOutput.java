package io.redmutex.testkit;

import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.CommandOutput;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Collects any reply, RESP2 or RESP3, into a tree of {@code String}, {@code Long}, {@code Double},
 * {@code Boolean}, {@code null} and {@code List}, and renders it as text. Lettuce does the parsing;
 * this only assembles what its decoder hands over. RESP3 maps and sets arrive as flat lists ({@code
 * [key, value, key, value]}).
 */
final class ReplyOutput extends CommandOutput<String, String, Object> {

  private final Deque<Aggregate> open = new ArrayDeque<>();

  private record Aggregate(List<Object> items, int expected) {}

  ReplyOutput() {
    super(StringCodec.UTF8, null);
  }

  /**
   * Renders a reply: a string, integer or number as itself, nil as {@code null} at the top and
   * {@code (nil)} inside an array, an array as {@code [a, b, [c]]}.
   */
  static String render(Object reply) {
    return reply == null ? null : renderElement(reply);
  }

  private static String renderElement(Object reply) {
    if (reply == null) {
      return "(nil)";
    }
    if (reply instanceof List<?> list) {
      return list.stream()
          .map(ReplyOutput::renderElement)
          .collect(Collectors.joining(", ", "[", "]"));
    }
    return String.valueOf(reply);
  }

  @Override
  public void set(ByteBuffer bytes) {
    add(bytes == null ? null : StandardCharsets.UTF_8.decode(bytes).toString());
  }

  @Override
  public void set(long integer) {
    add(integer);
  }

  @Override
  public void set(double number) {
    add(number);
  }

  @Override
  public void set(boolean value) {
    add(value);
  }

  @Override
  public void multi(int count) {
    if (count < 0) {
      add(null); // a nil array
    } else if (count == 0) {
      add(new ArrayList<>());
    } else {
      open.push(new Aggregate(new ArrayList<>(count), count));
    }
  }

  private void add(Object value) {
    Object element = value;
    while (!open.isEmpty()) {
      Aggregate current = open.peek();
      current.items().add(element);
      if (current.items().size() < current.expected()) {
        return;
      }
      open.pop();
      element = current.items();
    }
    output = element;
  }
}
