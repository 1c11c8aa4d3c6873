package io.redmutex.dashboard.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The page: {@code dashboard.html} with {@code dashboard.css} and {@code dashboard.js} inlined, all
 * from this jar's resources (no CDN, nothing fetched at run time), so that one response serves it
 * wherever it is mounted. Each response gets a fresh nonce: the page's Content-Security-Policy lets
 * only its own script run, a second line of defence behind escaping every name.
 */
public final class PageAssets {
  private static final String BASE = "/io/redmutex/dashboard/";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final String template;

  private PageAssets(String template) {
    this.template = template;
  }

  public static PageAssets load() {
    String html = resource("dashboard.html");
    return new PageAssets(
        html.replace("/*{{css}}*/", resource("dashboard.css"))
            .replace("/*{{js}}*/", resource("dashboard.js")));
  }

  /** The page with a fresh nonce. */
  public String render() {
    byte[] nonce = new byte[16];
    RANDOM.nextBytes(nonce);
    return template.replace("{{nonce}}", Base64.getEncoder().encodeToString(nonce));
  }

  private static String resource(String name) {
    try (InputStream in = PageAssets.class.getResourceAsStream(BASE + name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + BASE + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
