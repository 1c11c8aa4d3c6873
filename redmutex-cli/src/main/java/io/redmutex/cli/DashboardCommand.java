package io.redmutex.cli;

import io.redmutex.RedMutex;
import io.redmutex.dashboard.Dashboard;
import io.redmutex.dashboard.DashboardHttpServer;
import java.io.IOException;
import java.io.PrintStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code redmutex dashboard}: a live web page of the locks, served until stopped. */
@Command(
    name = "dashboard",
    mixinStandardHelpOptions = true,
    header = "Serve a live web page of the locks, semaphores and read-write locks (until stopped).",
    description = {
      "Serves a page that shows, updating every --poll, every lock, semaphore and read-write lock"
          + " whose name matches PATTERN: holder (client, host, pid), how long held, time to"
          + " expiry, fencing token, waiting clients; sortable and filterable. Below it, a"
          + " timeline of who held each lock (as seen between polls, kept in memory for"
          + " --history) and a chart of holds begun per second and waiting clients.",
      "",
      "Read-only: one SCAN-based listing per poll (SCAN, never KEYS; at most --limit rows),"
          + " whatever the number of open pages. Breaking a lock from the page needs"
          + " --allow-break, asks for confirmation, and breaks only the fencing token the page"
          + " shows (the compare-and-delete of release --force).",
      "",
      "Listens on 127.0.0.1 (loopback) unless --listen says otherwise. The page has no"
          + " authentication unless --token (or $"
          + DashboardCommand.TOKEN_ENV
          + ") is set: then every request needs it; open the printed URL, which carries it."
          + " Plain HTTP: on another address, put it behind TLS.",
      ""
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  redmutex dashboard                        # http://127.0.0.1:8080/",
      "  redmutex dashboard 'orders:*' --allow-break",
      "  redmutex dashboard --listen 0.0.0.0:8080 --token \"$TOKEN\"",
      "  redmutex dashboard --listen 127.0.0.1:0   # any free port",
      "",
      "It runs until stopped: Ctrl-C (exit 130) or SIGTERM (exit 143)."
    })
final class DashboardCommand implements Callable<Integer> {
  static final String TOKEN_ENV = "REDMUTEX_DASHBOARD_TOKEN";

  @ParentCommand private RedmutexCommand root;
  @Spec private CommandSpec spec;

  @Option(
      names = "--listen",
      paramLabel = "HOST:PORT",
      defaultValue = "127.0.0.1:8080",
      description =
          "Where to serve the page: HOST:PORT, [IPv6]:PORT, or PORT alone (on 127.0.0.1); port 0"
              + " takes any free one. Default: ${DEFAULT-VALUE} (this machine only).")
  private String listen;

  @Option(
      names = "--token",
      paramLabel = "TOKEN",
      description =
          "Require this bearer token on every request (Authorization: Bearer TOKEN, or ?token=)."
              + " Default: $"
              + TOKEN_ENV
              + ", else none.")
  private String token;

  @Option(
      names = "--allow-break",
      description =
          "Show a Break button on held locks (with a confirmation); it breaks only the fencing"
              + " token shown. Default: off, the dashboard never writes to Redis.")
  private boolean allowBreak;

  @Option(
      names = "--limit",
      paramLabel = "N",
      defaultValue = "1000",
      description =
          "Show at most N rows (of all kinds; the first by name), saying so when more match."
              + " Each poll inspects that many. Default: ${DEFAULT-VALUE}.")
  private int limit;

  @Option(
      names = "--poll",
      paramLabel = "DURATION",
      defaultValue = "1s",
      converter = DurationConverter.class,
      description = "How often to read Redis (100ms..1m). Default: ${DEFAULT-VALUE}.")
  private Duration poll;

  @Option(
      names = "--history",
      paramLabel = "DURATION",
      defaultValue = "10m",
      converter = DurationConverter.class,
      description =
          "How far back the timeline and chart go, kept in memory (1m..24h). Default:"
              + " ${DEFAULT-VALUE}.")
  private Duration history;

  @Parameters(
      paramLabel = "PATTERN",
      arity = "0..1",
      defaultValue = "*",
      description = "Which names (Redis glob: * ? [abc]). Default: ${DEFAULT-VALUE} (all).")
  private String pattern;

  @Override
  public Integer call() throws IOException, InterruptedException {
    InetSocketAddress address = address(listen);
    String bearer = token != null ? token : System.getenv(TOKEN_ENV);
    if (bearer != null && bearer.isBlank()) {
      throw usage(
          (token != null ? "--token" : "$" + TOKEN_ENV) + " is empty: give a token, or none");
    }
    if (limit < 1 || limit > 100_000) {
      throw usage("--limit must be within 1..100000, was " + limit);
    }
    checkDurations();
    RedisTarget target = root.target();
    RedMutex mutex = root.connect(target, "redmutex-dashboard", null);
    Dashboard dashboard;
    try {
      dashboard =
          Dashboard.builder(mutex)
              .pattern(pattern)
              .limit(limit)
              .pollInterval(poll)
              .history(history)
              .allowBreak(allowBreak)
              .target(target.redacted())
              .redact(root::scrub)
              .build();
    } catch (RuntimeException e) {
      mutex.close();
      throw e;
    }
    DashboardHttpServer server;
    try {
      server = DashboardHttpServer.start(dashboard, address, bearer);
    } catch (BindException e) {
      dashboard.close();
      mutex.close();
      throw usage(
          "cannot listen on "
              + listen
              + ": "
              + e.getMessage()
              + " (in use? pick another port, or 0 for any free one)");
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  dashboard.close();
                  mutex.close();
                  stopped.countDown();
                },
                "redmutex-dashboard-shutdown"));
    announce(server.address(), bearer, target);
    stopped.await();
    return ExitCodes.OK;
  }

  private void checkDurations() {
    if (poll.compareTo(Duration.ofMillis(100)) < 0 || poll.compareTo(Duration.ofMinutes(1)) > 0) {
      throw usage("--poll must be within 100ms..1m, was " + HumanDurations.format(poll));
    }
    if (history.compareTo(Duration.ofMinutes(1)) < 0
        || history.compareTo(Duration.ofHours(24)) > 0) {
      throw usage("--history must be within 1m..24h, was " + HumanDurations.format(history));
    }
  }

  private void announce(InetSocketAddress bound, String bearer, RedisTarget target) {
    InetAddress ip = bound.getAddress();
    String host =
        ip.isAnyLocalAddress()
            ? "127.0.0.1"
            : ip.getHostAddress().contains(":")
                ? "[" + ip.getHostAddress() + "]"
                : ip.getHostAddress();
    String url =
        "http://" + host + ":" + bound.getPort() + "/" + (bearer != null ? "?token=TOKEN" : "");
    PrintStream out = System.out;
    out.println(
        "redmutex dashboard: "
            + url
            + " for "
            + target.redacted()
            + (pattern.equals("*") ? "" : ", names '" + pattern + "'")
            + (allowBreak ? "; breaking locks is allowed" : "; read-only"));
    if (ip.isLoopbackAddress()) {
      out.println(
          "redmutex dashboard: listening on loopback only (this machine); --listen 0.0.0.0:"
              + bound.getPort()
              + " serves other machines");
    } else if (bearer == null) {
      System.err.println(
          "redmutex: WARNING: the dashboard on "
              + ip.getHostAddress()
              + ":"
              + bound.getPort()
              + " has no authentication: anyone who can reach it sees every lock name and holder"
              + (allowBreak ? " and can break locks" : "")
              + ". Set --token (or $"
              + TOKEN_ENV
              + "), or listen on 127.0.0.1.");
    } else {
      System.err.println(
          "redmutex: note: plain HTTP on "
              + ip.getHostAddress()
              + ": the token crosses the network in clear; put the dashboard behind TLS");
    }
    out.println("redmutex dashboard: stop with Ctrl-C");
    out.flush();
  }

  /** {@code HOST:PORT}, {@code [IPv6]:PORT} or {@code PORT}, resolved; a usage error if bad. */
  private InetSocketAddress address(String text) {
    String host;
    String port;
    if (text.matches("\\d+")) {
      host = "127.0.0.1";
      port = text;
    } else if (text.startsWith("[") && text.contains("]:")) {
      host = text.substring(1, text.indexOf("]:"));
      port = text.substring(text.indexOf("]:") + 2);
    } else if (text.lastIndexOf(':') > 0 && text.indexOf(':') == text.lastIndexOf(':')) {
      host = text.substring(0, text.indexOf(':'));
      port = text.substring(text.indexOf(':') + 1);
    } else {
      throw usage(
          "--listen '" + text + "' is not HOST:PORT (e.g. 127.0.0.1:8080, [::1]:8080, 8080)");
    }
    if (!port.matches("\\d{1,5}") || Integer.parseInt(port) > 65_535) {
      throw usage("--listen '" + text + "': the port '" + port + "' is not a number in 0..65535");
    }
    try {
      return new InetSocketAddress(InetAddress.getByName(host), Integer.parseInt(port));
    } catch (UnknownHostException e) {
      throw usage("--listen '" + text + "': unknown host '" + host + "'");
    }
  }

  private ParameterException usage(String message) {
    return new ParameterException(spec.commandLine(), message);
  }
}
