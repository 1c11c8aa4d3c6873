package io.redmutex.dashboard;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Serves a {@link Dashboard} on the JDK's built-in HTTP server ({@code com.sun.net.httpserver}):
 * {@code GET /} the page, {@code GET /snapshot} its data, {@code POST /break} a break (refused
 * unless allowed). Plain HTTP; no authentication unless a bearer token is given, then every request
 * needs it ({@code Authorization: Bearer TOKEN}, or {@code ?token=TOKEN}, which the page passes on
 * as the header).
 *
 * <p>Against other web pages in the same browser: on a loopback address, a request must name a
 * loopback host (no DNS rebinding); a break must carry the page's own header and JSON body, which a
 * cross-site form cannot send without a preflight this server never allows.
 */
public final class DashboardHttpServer implements AutoCloseable {
  /** The header the page sends with a break; a cross-site request cannot without a preflight. */
  public static final String BREAK_HEADER = "X-Redmutex-Dashboard";

  private static final int MAX_BODY = 64 * 1024;

  private final HttpServer server;
  private final ExecutorService executor;
  private final Dashboard dashboard;
  private final byte[] token; // null: no authentication
  private final boolean loopback;

  private DashboardHttpServer(
      HttpServer server, ExecutorService executor, Dashboard dashboard, String token) {
    this.server = server;
    this.executor = executor;
    this.dashboard = dashboard;
    this.token = token == null ? null : token.getBytes(StandardCharsets.UTF_8);
    this.loopback = server.getAddress().getAddress().isLoopbackAddress();
  }

  /**
   * Listens on {@code address} (port 0: any free one) and serves {@code dashboard}.
   *
   * @param bearerToken required on every request when not null
   * @throws IOException if the address cannot be bound
   * @param address where to listen
   * @param dashboard the dashboard to serve
   * @return the running server
   */
  public static DashboardHttpServer start(
      Dashboard dashboard, InetSocketAddress address, String bearerToken) throws IOException {
    if (bearerToken != null && bearerToken.isBlank()) {
      throw new IllegalArgumentException("the bearer token must not be blank");
    }
    HttpServer server = HttpServer.create(address, 0);
    ExecutorService executor =
        Executors.newFixedThreadPool(
            4,
            r -> {
              Thread t = new Thread(r, "redmutex-dashboard-http");
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    DashboardHttpServer http = new DashboardHttpServer(server, executor, dashboard, bearerToken);
    server.createContext("/", http::handle);
    server.start();
    return http;
  }

  /**
   * The address it listens on (with the port chosen, if 0 was asked for).
   *
   * @return where it listens
   */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
      exchange.getResponseHeaders().set("X-Frame-Options", "DENY");
      exchange.getResponseHeaders().set("Referrer-Policy", "no-referrer");
      exchange.getResponseHeaders().set("Cache-Control", "no-store");
      if (loopback && !loopbackHost(exchange.getRequestHeaders().getFirst("Host"))) {
        send(exchange, 403, "text/plain", "this dashboard answers only to a loopback host name");
        return;
      }
      if (token != null && !authorized(exchange)) {
        exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer");
        send(
            exchange, 401, "text/plain", "a bearer token is required (open the page with ?token=)");
        return;
      }
      String path = exchange.getRequestURI().getPath();
      String method = exchange.getRequestMethod();
      switch (path) {
        case "/" -> {
          if (!method.equals("GET") && !method.equals("HEAD")) {
            methodNotAllowed(exchange, "GET");
          } else {
            send(exchange, 200, "text/html; charset=utf-8", dashboard.page());
          }
        }
        case "/snapshot" -> {
          if (!method.equals("GET")) {
            methodNotAllowed(exchange, "GET");
          } else {
            send(exchange, 200, "application/json", dashboard.snapshotJson());
          }
        }
        case "/break" -> breakLock(exchange, method);
        default -> send(exchange, 404, "text/plain", "not found: GET / or /snapshot, POST /break");
      }
    }
  }

  private void breakLock(HttpExchange exchange, String method) throws IOException {
    if (!method.equals("POST")) {
      methodNotAllowed(exchange, "POST");
      return;
    }
    String type = exchange.getRequestHeaders().getFirst("Content-Type");
    if (exchange.getRequestHeaders().getFirst(BREAK_HEADER) == null
        || type == null
        || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
      send(
          exchange,
          403,
          "application/json",
          "{\"broken\":false,\"error\":\"a break must come from the dashboard page (JSON with the "
              + BREAK_HEADER
              + " header)\"}");
      return;
    }
    byte[] body;
    try (InputStream in = exchange.getRequestBody()) {
      body = in.readNBytes(MAX_BODY + 1);
    }
    if (body.length > MAX_BODY) {
      send(exchange, 413, "application/json", "{\"broken\":false,\"error\":\"body too large\"}");
      return;
    }
    Dashboard.Response response = dashboard.breakLock(new String(body, StandardCharsets.UTF_8));
    send(exchange, response.status(), "application/json", response.json());
  }

  private boolean authorized(HttpExchange exchange) {
    String header = exchange.getRequestHeaders().getFirst("Authorization");
    if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return matches(header.substring(7).trim());
    }
    String query = exchange.getRequestURI().getRawQuery();
    if (query != null) {
      for (String pair : query.split("&")) {
        if (pair.startsWith("token=")) {
          return matches(URLDecoder.decode(pair.substring(6), StandardCharsets.UTF_8));
        }
      }
    }
    return false;
  }

  private boolean matches(String given) {
    return MessageDigest.isEqual(token, given.getBytes(StandardCharsets.UTF_8));
  }

  /** {@code localhost}, {@code 127.x.x.x} or {@code [::1]}, with or without a port. */
  static boolean loopbackHost(String host) {
    if (host == null) {
      return false;
    }
    String name = host.toLowerCase(Locale.ROOT);
    if (name.startsWith("[")) {
      return name.startsWith("[::1]");
    }
    int colon = name.indexOf(':');
    name = colon >= 0 ? name.substring(0, colon) : name;
    return name.equals("localhost") || name.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
  }

  private static void methodNotAllowed(HttpExchange exchange, String allowed) throws IOException {
    exchange.getResponseHeaders().set("Allow", allowed);
    send(exchange, 405, "text/plain", "method not allowed: use " + allowed);
  }

  private static void send(HttpExchange exchange, int status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    boolean head = exchange.getRequestMethod().equals("HEAD");
    exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
    if (!head) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  /** Stops listening (waiting at most a second for requests under way) and its threads. */
  @Override
  public void close() {
    server.stop(1);
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
