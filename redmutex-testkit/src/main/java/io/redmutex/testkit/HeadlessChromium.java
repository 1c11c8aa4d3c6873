package io.redmutex.testkit;

import java.io.Closeable;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A real headless Chromium for tests of web pages, driven over the DevTools protocol with the JDK's
 * own WebSocket client: no Selenium, no driver binary. One browser, one page; {@link #open} a URL,
 * {@link #evaluate} JavaScript in it (wait on what it returns with Awaitility, never a sleep),
 * {@link #screenshot} it.
 *
 * <pre>{@code
 * try (HeadlessChromium browser = HeadlessChromium.startOrSkip()) {
 *   browser.open("http://127.0.0.1:" + port + "/");
 *   await().until(() -> browser.evaluate("document.title"), equalTo("\"redmutex dashboard\""));
 * }
 * }</pre>
 *
 * <p>The binary: {@code $CHROMIUM}, else {@code chromium} (Debian's package, {@code
 * /usr/bin/chromium}), {@code chromium-browser} or {@code google-chrome} on the {@code PATH}.
 * Started with a fresh profile in a temporary directory, no sandbox (CI runs as root), no GPU, no
 * background networking: it reaches only what the test opens.
 */
public final class HeadlessChromium implements Closeable {
  /** The environment variable naming the browser binary. */
  public static final String ENV = "CHROMIUM";

  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);
  private static final Pattern ID = Pattern.compile("^\\{\"id\":(\\d+),");

  private final Process process;
  private final Path profile;
  private final DevTools devTools;

  private HeadlessChromium(Process process, Path profile, DevTools devTools) {
    this.process = process;
    this.profile = profile;
    this.devTools = devTools;
  }

  /**
   * The browser binary, if one is installed.
   *
   * @return the chromium binary, if one is installed
   */
  public static Optional<Path> find() {
    String env = System.getenv(ENV);
    if (env != null && !env.isBlank()) {
      return Optional.of(Path.of(env));
    }
    String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
    for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
      for (String dir : path.split(File.pathSeparator)) {
        Path candidate = Path.of(dir, name);
        if (Files.isExecutable(candidate)) {
          return Optional.of(candidate);
        }
      }
    }
    return Optional.empty();
  }

  /**
   * Starts the browser; without one, skips the test (a JUnit assumption) outside CI, and fails it
   * in CI ({@code CI=true}), where {@code .ci/run} installs Debian's {@code chromium}.
   *
   * @return a running browser
   */
  public static HeadlessChromium startOrSkip() {
    Optional<Path> binary = find();
    if (binary.isEmpty()) {
      String why =
          "no Chromium found ($" + ENV + ", or chromium on the PATH): apt-get install chromium";
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        throw new IllegalStateException(why + " (CI=true: browser tests must run)");
      }
      Assumptions.abort("browser test skipped: " + why);
    }
    return start(binary.get());
  }

  /**
   * Starts {@code binary} headless, with a fresh profile.
   *
   * @param binary the chromium executable
   * @return a running browser
   */
  public static HeadlessChromium start(Path binary) {
    Path profile;
    try {
      profile = Files.createTempDirectory("redmutex-chromium");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Process process;
    try {
      process =
          new ProcessBuilder(
                  binary.toString(),
                  "--headless",
                  "--no-sandbox",
                  "--disable-gpu",
                  "--disable-dev-shm-usage",
                  "--disable-quic",
                  "--no-first-run",
                  "--no-default-browser-check",
                  "--disable-background-networking",
                  "--disable-component-update",
                  "--disable-sync",
                  "--disable-extensions",
                  "--mute-audio",
                  "--window-size=1400,1000",
                  "--remote-debugging-address=127.0.0.1",
                  "--remote-debugging-port=0",
                  "--user-data-dir=" + profile,
                  "about:blank")
              .redirectErrorStream(true)
              .redirectOutput(profile.resolve("chromium.log").toFile())
              .start();
    } catch (IOException e) {
      deleteQuietly(profile);
      throw new UncheckedIOException("cannot start " + binary, e);
    }
    try {
      Path portFile = profile.resolve("DevToolsActivePort");
      Polling.await(
          START_TIMEOUT,
          () -> {
            if (!process.isAlive()) {
              throw new IOException("chromium exited: " + log(profile));
            }
            return Files.exists(portFile) && Files.readAllLines(portFile).size() >= 2;
          },
          () -> "chromium to open its DevTools port");
      int port = Integer.parseInt(Files.readAllLines(portFile).get(0).trim());
      DevTools devTools = DevTools.connect(pageSocketUrl(port));
      HeadlessChromium browser = new HeadlessChromium(process, profile, devTools);
      browser.devTools.call("Page.enable", "{}");
      browser.devTools.call("Runtime.enable", "{}");
      return browser;
    } catch (IOException | RuntimeException e) {
      process.destroyForcibly();
      deleteQuietly(profile);
      throw e instanceof RuntimeException r ? r : new UncheckedIOException((IOException) e);
    }
  }

  /** The DevTools WebSocket of the browser's one page (about:blank). */
  private static URI pageSocketUrl(int port) throws IOException {
    HttpClient http = HttpClient.newHttpClient();
    HttpRequest list =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list"))
            .timeout(COMMAND_TIMEOUT)
            .build();
    String[] found = new String[1];
    Polling.await(
        START_TIMEOUT,
        () -> {
          String body;
          try {
            body = http.send(list, HttpResponse.BodyHandlers.ofString()).body();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
          }
          Matcher page =
              Pattern.compile(
                      "\\{[^{}]*\"type\"\\s*:\\s*\"page\"[^{}]*\"webSocketDebuggerUrl\"\\s*:\\s*\"([^\"]+)\"")
                  .matcher(body);
          if (page.find()) {
            found[0] = page.group(1);
            return true;
          }
          return false;
        },
        () -> "chromium's page target");
    return URI.create(found[0]);
  }

  /**
   * Opens {@code url} in the page and waits until it has loaded (its scripts may still be fetching
   * data: wait for what they show).
   *
   * @param url the page to open
   */
  public void open(String url) {
    devTools.call("Page.navigate", "{\"url\":" + Json.quote(url) + "}");
    Polling.await(
        COMMAND_TIMEOUT,
        () ->
            "\"complete\"".equals(evaluate("document.readyState"))
                && Json.quote(url).equals(evaluate("location.href")),
        () -> "page " + url + " to load");
  }

  /**
   * Evaluates {@code expression} in the page (a promise is awaited) and returns its value as JSON
   * ({@code JSON.stringify}): {@code "\"text\""}, {@code "3"}, {@code "true"}, {@code "null"};
   * {@code "undefined"} for undefined.
   *
   * @throws IllegalStateException if it throws in the page
   * @param expression a JavaScript expression
   * @return the value, as JSON text
   */
  public String evaluate(String expression) {
    String wrapped =
        "Promise.resolve((() => ("
            + expression
            + "))()).then(v => v === undefined ? 'undefined'"
            + " : JSON.stringify(v))";
    String reply =
        devTools.call(
            "Runtime.evaluate",
            "{\"expression\":"
                + Json.quote(wrapped)
                + ",\"returnByValue\":true,\"awaitPromise\":true}");
    if (reply.contains("\"exceptionDetails\"")) {
      throw new IllegalStateException("page threw evaluating " + expression + ": " + reply);
    }
    String value = Json.stringField(reply, "value");
    if (value == null) {
      throw new IllegalStateException("no value evaluating " + expression + ": " + reply);
    }
    return value;
  }

  /**
   * Saves what the page shows now as a PNG, the whole page down to its end.
   *
   * @param png where to write the PNG
   */
  public void screenshot(Path png) {
    String reply =
        devTools.call(
            "Page.captureScreenshot", "{\"format\":\"png\",\"captureBeyondViewport\":true}");
    String data = Json.stringField(reply, "data");
    if (data == null) {
      throw new IllegalStateException("no screenshot: " + reply);
    }
    try {
      Files.write(png, Base64.getDecoder().decode(data));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String log(Path profile) {
    try {
      return Files.readString(profile.resolve("chromium.log"));
    } catch (IOException e) {
      return "(no log)";
    }
  }

  /**
   * Deletes {@code dir}, trying again if files come and go meanwhile (a browser process that is
   * still exiting writes its last state); a leftover temporary directory is harmless.
   */
  private static void deleteQuietly(Path dir) {
    for (int attempt = 0; attempt < 5 && Files.exists(dir); attempt++) {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException | UncheckedIOException e) {
        // changed under the walk: walk again
      }
    }
  }

  /** Closes the browser and deletes its profile. */
  @Override
  public void close() {
    devTools.close();
    List<ProcessHandle> children = process.descendants().toList();
    process.destroy();
    children.forEach(ProcessHandle::destroy);
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    children.forEach(ProcessHandle::destroyForcibly);
    deleteQuietly(profile);
  }

  /** One DevTools connection: commands by id, each answered once; events are ignored. */
  private static final class DevTools implements WebSocket.Listener {
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<String>> pending = new ConcurrentHashMap<>();
    private final StringBuilder partial = new StringBuilder();
    private volatile WebSocket socket;
    private volatile Throwable failure;

    static DevTools connect(URI url) {
      DevTools devTools = new DevTools();
      try {
        devTools.socket =
            HttpClient.newHttpClient()
                .newWebSocketBuilder()
                .connectTimeout(COMMAND_TIMEOUT)
                .buildAsync(url, devTools)
                .get(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException | TimeoutException e) {
        throw new IllegalStateException("cannot connect to chromium at " + url, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted connecting to chromium", e);
      }
      return devTools;
    }

    String call(String method, String params) {
      int id = ids.incrementAndGet();
      CompletableFuture<String> reply = new CompletableFuture<>();
      pending.put(id, reply);
      if (failure != null) {
        throw new IllegalStateException("chromium connection failed", failure);
      }
      String message =
          "{\"id\":" + id + ",\"method\":" + Json.quote(method) + ",\"params\":" + params + "}";
      try {
        synchronized (this) {
          socket.sendText(message, true).get(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }
        String answer = reply.get(Timing.scaled(COMMAND_TIMEOUT).toMillis(), TimeUnit.MILLISECONDS);
        if (answer.startsWith("{\"id\":" + id + ",\"error\"")) {
          throw new IllegalStateException(method + " failed: " + answer);
        }
        return answer;
      } catch (ExecutionException | TimeoutException e) {
        throw new IllegalStateException(method + " got no answer from chromium", e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted waiting for chromium", e);
      } finally {
        pending.remove(id);
      }
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        String message = partial.toString();
        partial.setLength(0);
        Matcher id = ID.matcher(message);
        if (id.find()) {
          CompletableFuture<String> reply = pending.get(Integer.parseInt(id.group(1)));
          if (reply != null) {
            reply.complete(message);
          }
        }
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      failure = error;
      pending.values().forEach(f -> f.completeExceptionally(error));
    }

    void close() {
      WebSocket s = socket;
      if (s != null) {
        s.abort();
      }
    }
  }

  /** Just enough JSON for DevTools: quoting a string, reading one string field of a reply. */
  static final class Json {
    private Json() {}

    static String quote(String text) {
      StringBuilder out = new StringBuilder("\"");
      for (char c : text.toCharArray()) {
        if (c == '"' || c == '\\' || c < 0x20) {
          out.append(String.format("\\u%04x", (int) c));
        } else {
          out.append(c);
        }
      }
      return out.append('"').toString();
    }

    /** The first string value of field {@code name} in {@code json}, unescaped; null if none. */
    static String stringField(String json, String name) {
      Matcher field = Pattern.compile("\"" + name + "\"\\s*:\\s*\"").matcher(json);
      if (!field.find()) {
        return null;
      }
      StringBuilder out = new StringBuilder();
      for (int i = field.end(); i < json.length(); i++) {
        char c = json.charAt(i);
        if (c == '"') {
          return out.toString();
        }
        if (c != '\\') {
          out.append(c);
          continue;
        }
        char e = json.charAt(++i);
        switch (e) {
          case 'n' -> out.append('\n');
          case 't' -> out.append('\t');
          case 'r' -> out.append('\r');
          case 'b' -> out.append('\b');
          case 'f' -> out.append('\f');
          case 'u' -> {
            out.append((char) Integer.parseInt(json.substring(i + 1, i + 5), 16));
            i += 4;
          }
          default -> out.append(e);
        }
      }
      throw new IllegalArgumentException("unterminated string in " + json);
    }
  }
}
