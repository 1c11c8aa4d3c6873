package io.redmutex.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TokensTest {

  @Test
  void tokens_areDistinct_22UrlSafeCharacters_acrossManyBatches() {
    Tokens tokens = new Tokens();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 64 * 100 + 7; i++) {
      String token = tokens.next();
      assertThat(token).matches("[A-Za-z0-9_-]{22}");
      assertThat(seen.add(token)).as("token %d (%s) repeats an earlier one", i, token).isTrue();
    }
  }

  @Test
  void twoClients_drawDifferentTokens() {
    assertThat(new Tokens().next()).isNotEqualTo(new Tokens().next());
  }
}
