package io.redmutex.example;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The example's scenario, once, as {@code ./redmutex-example/run} runs it. */
class OrdersExampleTest {

  @Test
  void scenario_onAThrowawayRedis_passesEveryCheck() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    int exit = OrdersExample.run(new String[0], out);

    String report = bytes.toString(StandardCharsets.UTF_8);
    System.out.print(report);
    assertThat(report)
        .contains("0 refused by the fence")
        .doesNotContain("UPDATES LOST")
        .contains("refused by the fence (UPDATE ... WHERE fence < ?)")
        .contains("(increasing)")
        .contains("all checks passed");
    assertThat(exit).isZero();
  }
}
