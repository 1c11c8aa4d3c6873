package io.redmutex.dashboard;

import io.redmutex.LockException;
import io.redmutex.LockInfo;
import io.redmutex.RedMutex;
import io.redmutex.RedisUnavailableException;
import io.redmutex.dashboard.internal.JsonText;
import io.redmutex.dashboard.internal.PageAssets;
import io.redmutex.dashboard.internal.Poller;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * A live view of a deployment's locks, semaphores and read-write locks: the page, and the snapshot
 * it polls, for any HTTP server to serve ({@link DashboardHttpServer} on the JDK's, the Boot
 * starter's actuator endpoint on Boot's).
 *
 * <p>Read-only towards Redis, except {@link #breakLock} when {@linkplain Builder#allowBreak
 * allowed}: one thread lists what matches the pattern every poll interval ({@code SCAN}, bounded,
 * never {@code KEYS}, then one inspection per key, at most {@code limit} rows) and every viewer
 * gets that result, however many look. The timeline and chart are what this process observed
 * between its polls, kept in memory for {@code history}.
 *
 * <pre>{@code
 * try (Dashboard dashboard = Dashboard.builder(mutex).pattern("orders:*").build();
 *     DashboardHttpServer server =
 *         DashboardHttpServer.start(dashboard, new InetSocketAddress("127.0.0.1", 8080), null)) {
 *   ...
 * }
 * }</pre>
 */
public final class Dashboard implements AutoCloseable {
  /** The most time a request waits for a first (or first after idle) snapshot. */
  private static final long FIRST_SNAPSHOT_WAIT_MILLIS = 10_000;

  private final RedMutex mutex;
  private final boolean allowBreak;
  private final PageAssets page;
  private final Poller poller;

  private Dashboard(Builder b) {
    this.mutex = b.mutex;
    this.allowBreak = b.allowBreak;
    this.page = PageAssets.load();
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("target", b.target);
    settings.put("pattern", b.pattern);
    settings.put("limit", b.limit);
    settings.put("pollMillis", b.pollInterval.toMillis());
    settings.put("historyMillis", b.history.toMillis());
    settings.put("allowBreak", b.allowBreak);
    this.poller =
        new Poller(
            b.mutex,
            b.pattern,
            b.limit,
            b.pollInterval.toMillis(),
            b.history.toMillis(),
            b.pauseWhenUnwatched.toMillis(),
            b.clientStats,
            settings,
            b.redact);
    poller.start();
  }

  /**
   * Starts building a dashboard over a client's locks.
   *
   * @param mutex the client whose Redis the dashboard reads; the dashboard never closes it
   * @return a builder with the defaults
   */
  public static Builder builder(RedMutex mutex) {
    return new Builder(Objects.requireNonNull(mutex, "mutex"));
  }

  /**
   * The page (HTML, its CSS and script inline), served as {@code text/html; charset=utf-8}.
   *
   * @return the page, one HTML document with its styles and script
   */
  public String page() {
    return page.render();
  }

  /**
   * The latest snapshot, as {@code application/json}.
   *
   * @return the last snapshot, as the page reads it
   */
  public String snapshotJson() {
    return poller.snapshot(FIRST_SNAPSHOT_WAIT_MILLIS);
  }

  /**
   * An answer to an HTTP request: its status and JSON body.
   *
   * @param status the HTTP status
   * @param json the body
   */
  public record Response(int status, String json) {}

  /**
   * Breaks lock {@code name} if breaking is allowed and it is still held with {@code fencingToken},
   * the token the page showed: the same compare-and-delete as {@code redmutex release --force},
   * never another holder's. 403 when not allowed, 404 when free, 409 when it changed hands, 503
   * when Redis did not answer.
   *
   * @param fencingToken the fencing token the caller saw
   * @param name the lock name
   * @return what the page is answered: the status and a message
   */
  public Response breakLock(String name, long fencingToken) {
    if (!allowBreak) {
      return error(
          403,
          "breaking locks from the dashboard is off: start it with --allow-break (CLI) or set"
              + " redmutex.dashboard.allow-break=true (Boot)");
    }
    try {
      Optional<LockInfo> broken = mutex.forceRelease(name, fencingToken);
      if (broken.isEmpty()) {
        return error(404, "lock '" + name + "' was free: nothing to break");
      }
      poller.broke(name, fencingToken);
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("broken", true);
      out.put("name", name);
      out.put("fencingToken", broken.get().fencingToken());
      out.put("holder", broken.get().holder().orElse(null));
      out.put("waitingWoken", broken.get().waitingClients());
      return new Response(200, JsonText.write(out));
    } catch (IllegalArgumentException badName) {
      return error(400, badName.getMessage());
    } catch (RedisUnavailableException unavailable) {
      return error(503, unavailable.getMessage());
    } catch (LockException changed) {
      return error(409, changed.getMessage());
    }
  }

  /**
   * A break request's JSON body, {@code {"name": ..., "fencingToken": ...}}, checked.
   *
   * @param jsonBody the request body, as the page sends it
   * @return what the page is answered: the status and a message
   */
  public Response breakLock(String jsonBody) {
    Map<String, Object> body;
    try {
      body = JsonText.readObject(jsonBody);
    } catch (IllegalArgumentException bad) {
      return error(400, bad.getMessage());
    }
    if (!(body.get("name") instanceof String name) || !(body.get("fencingToken") instanceof Long)) {
      return error(400, "expected {\"name\": string, \"fencingToken\": integer}");
    }
    return breakLock(name, (Long) body.get("fencingToken"));
  }

  private static Response error(int status, String message) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("broken", false);
    out.put("error", message);
    return new Response(status, JsonText.write(out));
  }

  /** Stops polling; the {@code RedMutex} stays open (it is the caller's). */
  @Override
  public void close() {
    poller.close();
  }

  /** Settings of a dashboard; each is validated when set. */
  public static final class Builder {
    private final RedMutex mutex;
    private String pattern = "*";
    private int limit = 1000;
    private Duration pollInterval = Duration.ofSeconds(1);
    private Duration history = Duration.ofMinutes(10);
    private Duration pauseWhenUnwatched = Duration.ZERO;
    private boolean allowBreak;
    private String target = "";
    private ClientLockStats clientStats;
    private UnaryOperator<String> redact = UnaryOperator.identity();

    private Builder(RedMutex mutex) {
      this.mutex = mutex;
    }

    /**
     * Which names (Redis glob, under the client's key prefix). Default {@code *}.
     *
     * @param pattern a SCAN pattern of lock names
     * @return this builder
     */
    public Builder pattern(String pattern) {
      Objects.requireNonNull(pattern, "pattern");
      if (pattern.isEmpty()) {
        throw new IllegalArgumentException("pattern must not be empty (use * for all)");
      }
      this.pattern = pattern;
      return this;
    }

    /**
     * The most rows shown, of all kinds together (each poll inspects that many). Default 1000.
     *
     * @param limit the most rows a snapshot lists
     * @return this builder
     */
    public Builder limit(int limit) {
      if (limit < 1 || limit > 100_000) {
        throw new IllegalArgumentException("limit must be within 1..100000, was " + limit);
      }
      this.limit = limit;
      return this;
    }

    /**
     * How often Redis is read. Default 1 s; at least 100 ms, at most 1 min.
     *
     * @param pollInterval how often Redis is read while a page is open
     * @return this builder
     */
    public Builder pollInterval(Duration pollInterval) {
      Objects.requireNonNull(pollInterval, "pollInterval");
      if (pollInterval.compareTo(Duration.ofMillis(100)) < 0
          || pollInterval.compareTo(Duration.ofMinutes(1)) > 0) {
        throw new IllegalArgumentException(
            "poll interval must be within 100ms..1m, was " + pollInterval);
      }
      this.pollInterval = pollInterval;
      return this;
    }

    /**
     * How far back the timeline and chart go (in memory). Default 10 min; 1 min..24 h.
     *
     * @param history how long the timeline keeps holds
     * @return this builder
     */
    public Builder history(Duration history) {
      Objects.requireNonNull(history, "history");
      if (history.compareTo(Duration.ofMinutes(1)) < 0
          || history.compareTo(Duration.ofHours(24)) > 0) {
        throw new IllegalArgumentException("history must be within 1m..24h, was " + history);
      }
      this.history = history;
      return this;
    }

    /**
     * Stop reading Redis when no page asked for a snapshot this long, until one does. Default zero:
     * never stop (a process that exists to show the dashboard). An application that serves the page
     * besides its own work sets it, so that nobody looking costs Redis nothing.
     *
     * @param idle how long without a page before reading stops
     * @return this builder
     */
    public Builder pauseWhenUnwatched(Duration idle) {
      Objects.requireNonNull(idle, "idle");
      if (idle.isNegative()) {
        throw new IllegalArgumentException("idle time must not be negative, was " + idle);
      }
      this.pauseWhenUnwatched = idle;
      return this;
    }

    /**
     * Whether the page may break a lock (at the token it shows). Default false.
     *
     * @param allowBreak whether the page may break a lock
     * @return this builder
     */
    public Builder allowBreak(boolean allowBreak) {
      this.allowBreak = allowBreak;
      return this;
    }

    /**
     * What the page names as the deployment, e.g. the URI with its password masked.
     *
     * @param target what the page names the deployment
     * @return this builder
     */
    public Builder target(String target) {
      this.target = Objects.requireNonNull(target, "target");
      return this;
    }

    /**
     * This client's own acquisition data for the chart (register it as the client's listener).
     *
     * @param clientStats the client's own acquisition figures
     * @return this builder
     */
    public Builder clientStats(ClientLockStats clientStats) {
      this.clientStats = Objects.requireNonNull(clientStats, "clientStats");
      return this;
    }

    /**
     * Applied to every error message the page shows (to mask a password).
     *
     * @param redact whether to hide the password in what is shown
     * @return this builder
     */
    public Builder redact(UnaryOperator<String> redact) {
      this.redact = Objects.requireNonNull(redact, "redact");
      return this;
    }

    /**
     * Builds the dashboard and starts polling.
     *
     * @return the dashboard, not yet reading Redis
     */
    public Dashboard build() {
      return new Dashboard(this);
    }
  }
}
