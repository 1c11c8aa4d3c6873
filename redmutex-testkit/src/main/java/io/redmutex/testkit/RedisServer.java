package io.redmutex.testkit;

import io.lettuce.core.RedisURI;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A real {@code redis-server} process on a free loopback port, in its own temporary directory, for
 * tests. It persists nothing by default ({@code save ""}, {@code appendonly no}) and logs to a file
 * in its directory, which {@link #log()} returns and {@link PrintRedisLogsOnFailure} prints when a
 * test fails.
 *
 * <pre>{@code
 * try (RedisServer redis = RedisServer.builder().password("s3cret").start()) {
 *   RedisClient client = RedisClient.create(redis.redisUri());
 *   // ... exercise the code under test ...
 *   redis.kill();     // crash it: connections drop, the port refuses
 *   redis.restart();  // same port, empty data set
 *   assertThat(redis.command("DBSIZE")).isEqualTo("0");
 * }
 * }</pre>
 *
 * <p>{@link #start()} and {@link Builder#start()} return only once the server answers {@code PING};
 * if it does not within 10 s (scaled by {@link Timing}), they throw with the tail of its log and
 * leave nothing behind. {@link #close()} stops the process and deletes the directory; a JVM
 * shutdown hook kills every server a test forgot to close. (A JVM killed with SIGKILL runs no hook:
 * its servers survive it.)
 *
 * <p>The executable is {@link RedisBinary#find()} unless {@link Builder#binary(Path)} names one.
 * Methods are thread-safe; signals ({@link #pause()}, {@link #resume()}) need a POSIX system.
 */
public final class RedisServer implements Closeable {

  private static final String HOST = "127.0.0.1";
  private static final Duration BIND_RETRY = Duration.ofSeconds(5);
  private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(10);
  private static final int FREE_PORT_ATTEMPTS = 5;

  /** Redis Cluster listens for its bus on the data port plus this. */
  static final int CLUSTER_BUS_OFFSET = 10000;

  private final RedisBinary binary;
  private final ServerDirectory directory;
  private final String password;
  private final int port;
  private final boolean sentinel;
  private volatile ServerProcess process; // written under the lock; read unlocked by the hook
  private boolean paused; // guarded by this
  private boolean closed; // guarded by this

  private RedisServer(
      RedisBinary binary, ServerDirectory directory, String password, int port, boolean sentinel) {
    this.binary = binary;
    this.directory = directory;
    this.password = password;
    this.port = port;
    this.sentinel = sentinel;
  }

  /**
   * Starts a server with the defaults: a free port, no password, no extra configuration.
   *
   * @return the started server
   */
  public static RedisServer start() {
    return builder().start();
  }

  /**
   * Returns a builder for a server with a password, a fixed port or extra configuration.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /** {@return always {@code "127.0.0.1"}} */
  public String host() {
    return HOST;
  }

  /** {@return the port, the same across {@link #restart()}} */
  public int port() {
    return port;
  }

  /** {@return the password ({@code requirepass}), or {@code null} if none} */
  public String password() {
    return password;
  }

  /** {@return the executable this server runs} */
  public RedisBinary binary() {
    return binary;
  }

  /**
   * {@return {@code redis://127.0.0.1:PORT}, or with a password {@code
   * redis://:PASSWORD@127.0.0.1:PORT}, the password percent-encoded} The empty user name before the
   * colon is what tells Lettuce (and redis-py, Jedis) that what follows is a password, even one
   * containing a colon.
   */
  public String uri() {
    String auth = UriAuth.of(password);
    return "redis://" + auth + HOST + ":" + port;
  }

  /**
   * {@return a new Lettuce {@link RedisURI} for this server, with its password; mutable, so tune
   * it}
   */
  public RedisURI redisUri() {
    RedisURI.Builder uri = RedisURI.Builder.redis(HOST, port);
    if (password != null) {
      uri.withPassword(password);
    }
    return uri.build();
  }

  /** {@return the process id of the current (or last) redis-server process} */
  public long pid() {
    return process.pid();
  }

  /** {@return true while the process is alive, paused or not} */
  public boolean isRunning() {
    ServerProcess current = process;
    return current != null && current.isAlive();
  }

  /**
   * Kills the process with SIGKILL, like a crash, and waits for it to exit. No-op if not running.
   */
  public synchronized void kill() {
    if (isRunning()) {
      paused = false;
      process.kill();
    }
  }

  /**
   * Freezes the process with SIGSTOP: it keeps its port and connections but answers nothing, like a
   * long GC pause or a hung host. Clients time out. No-op if already paused.
   *
   * @throws IllegalStateException if the server is not running
   */
  public synchronized void pause() {
    requireRunning("pause");
    if (!paused) {
      Signals.stop(process.pid());
      paused = true;
    }
  }

  /** Continues a {@linkplain #pause() paused} process with SIGCONT. No-op if not paused. */
  public synchronized void resume() {
    if (paused) {
      paused = false;
      if (isRunning()) {
        Signals.resume(process.pid());
      }
    }
  }

  /**
   * Restarts the server like a crash and a supervisor would: kills it if it runs (SIGKILL, so
   * nothing is saved), then starts it again on the same port and directory and waits until it
   * answers {@code PING}. With the default configuration its data set is then empty; with
   * persistence configured, it loads what it had persisted.
   *
   * @throws IllegalStateException if closed, or if the server does not come back (the message
   *     carries the log tail)
   */
  public synchronized void restart() {
    requireOpen("restart");
    kill();
    if (!launch(System.nanoTime() + Timing.scaled(BIND_RETRY).toNanos())) {
      throw ServerProcess.failure(
          binary,
          port,
          directory,
          "could not bind its port again within " + Timing.scaled(BIND_RETRY));
    }
  }

  /**
   * Stops the server gracefully (SIGTERM, which Redis handles like {@code SHUTDOWN}), resuming it
   * first if paused; kills it if it has not exited within 10 s (scaled). No-op if not running.
   * {@link #restart()} starts it again.
   */
  public synchronized void stop() {
    if (isRunning()) {
      resume();
      process.terminate();
    }
  }

  /**
   * Stops the server, kills it if it will not stop, and deletes its directory. Idempotent.
   *
   * @throws java.io.UncheckedIOException if the directory cannot be deleted
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      stop();
    } finally {
      ServerProcess current = process;
      if (current != null) {
        current.killQuietly();
      }
      LiveServers.remove(this);
      directory.delete();
    }
  }

  /** {@return everything the server has logged, across restarts; empty once closed} */
  public String log() {
    return directory.log();
  }

  /**
   * The last {@code lines} lines of {@link #log()}.
   *
   * @param lines how many lines, at most
   * @return the last lines of the log
   */
  public String logTail(int lines) {
    if (lines < 0) {
      throw new IllegalArgumentException("lines must not be negative, was " + lines);
    }
    return directory.logTail(lines);
  }

  /**
   * Runs one command on a fresh connection (with the password) and returns the reply as text: a
   * status, bulk string, integer or double as itself, nil as {@code null}, an array or RESP3
   * map/set as {@code [a, b, [c]]} (a map flattened to keys and values). For administration: {@code
   * command("CONFIG", "SET", "maxmemory", "1mb")}, {@code command("DBSIZE")}, {@code
   * command("DEBUG", "SLEEP", "0.5")}. Times out after 10 s (scaled).
   *
   * @param args the command and its arguments
   * @return the reply as text
   * @throws io.lettuce.core.RedisException if the server answers with an error, times out or cannot
   *     be reached
   * @throws IllegalStateException if closed
   */
  public String command(String... args) {
    Objects.requireNonNull(args, "args");
    synchronized (this) {
      requireOpen("run a command on");
    }
    RedisURI uri = redisUri();
    uri.setTimeout(Timing.scaled(ADMIN_TIMEOUT));
    return ReplyOutput.render(AdminClient.call(uri, args));
  }

  @Override
  public String toString() {
    ServerProcess current = process;
    return "RedisServer["
        + HOST
        + ":"
        + port
        + (sentinel ? ", sentinel" : "")
        + (current == null ? "" : ", pid " + current.pid())
        + ", "
        + binary
        + ", dir "
        + directory
        + "]";
  }

  /** The server's working directory, deleted by {@link #close()}. */
  Path directory() {
    return directory.path();
  }

  /** True if this process runs as a Sentinel ({@code --sentinel}). */
  boolean isSentinel() {
    return sentinel;
  }

  /** True while the process is frozen by {@link #pause()}. */
  synchronized boolean isPaused() {
    return paused;
  }

  /**
   * Like {@link #command(String...)}, with the reply as {@link ReplyOutput} assembles it (strings,
   * numbers, lists) and a timeout of the caller's choosing, scaled here.
   */
  Object call(Duration timeout, String... args) {
    synchronized (this) {
      requireOpen("run a command on");
    }
    RedisURI uri = redisUri();
    uri.setTimeout(Timing.scaled(timeout));
    return AdminClient.call(uri, args);
  }

  /** One section of {@code INFO} as name/value pairs. */
  Map<String, String> info(Duration timeout, String section) {
    return Replies.info((String) call(timeout, "INFO", section));
  }

  /** Closes each server, and throws the first failure once all were tried. */
  static void closeAll(List<RedisServer> servers) {
    RuntimeException failure = null;
    for (RedisServer server : servers) {
      try {
        server.close();
      } catch (RuntimeException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  /** For the JVM shutdown hook: kills without taking the lock, which a stuck thread may hold. */
  void killOnShutdown() {
    ServerProcess current = process;
    if (current != null) {
      current.killQuietly();
    }
    try {
      directory.delete();
    } catch (RuntimeException e) {
      // best effort while the JVM exits
    }
  }

  private static RedisServer startNew(Builder builder) {
    RedisBinary binary =
        builder.binary == null
            ? RedisBinary.find()
            : RedisBinary.at(builder.binary, "binary(Path)");
    ServerDirectory directory = ServerDirectory.create();
    RedisServer server = null;
    try {
      for (int attempt = 1; ; attempt++) {
        int port = builder.port != 0 ? builder.port : freePort(builder.clusterBus);
        server = new RedisServer(binary, directory, builder.password, port, builder.sentinel);
        directory.writeConfig(
            RedisConfig.render(
                port, directory.path(), builder.password, binary.majorVersion(), builder.config));
        LiveServers.add(server);
        // A fixed port may still be held by a server that just exited: retry it for a while.
        // A free port that someone took in the meantime: pick another.
        long bindDeadline =
            System.nanoTime() + (builder.port != 0 ? Timing.scaled(BIND_RETRY).toNanos() : 0);
        synchronized (server) {
          if (server.launch(bindDeadline)) {
            return server;
          }
        }
        LiveServers.remove(server);
        if (builder.port != 0 || attempt == FREE_PORT_ATTEMPTS) {
          throw ServerProcess.failure(
              binary, port, directory, "could not bind its port (tried " + attempt + " port(s))");
        }
      }
    } catch (RuntimeException e) {
      if (server != null) {
        server.killOnShutdown();
        LiveServers.remove(server);
      }
      directory.delete();
      throw e;
    }
  }

  /**
   * Starts the process and waits until it answers PING. Returns false if it could not bind its port
   * by {@code bindDeadline}; throws if it failed otherwise.
   */
  private boolean launch(long bindDeadline) {
    while (true) {
      if (LiveServers.shuttingDown()) {
        throw new IllegalStateException("The JVM is shutting down; not starting " + this);
      }
      long logOffset = directory.logSize();
      process =
          ServerProcess.spawn(
              binary, directory, redisUri(), sentinel ? List.of("--sentinel") : List.of());
      if (process.awaitReady(logOffset) == ServerProcess.Startup.READY) {
        return true;
      }
      if (System.nanoTime() - bindDeadline >= 0) {
        return false;
      }
      Polling.sleep(50, () -> "port " + port + " to be free");
    }
  }

  private void requireOpen(String action) {
    if (closed) {
      throw new IllegalStateException("Cannot " + action + " " + this + ": it is closed");
    }
  }

  private void requireRunning(String action) {
    requireOpen(action);
    if (!isRunning()) {
      throw new IllegalStateException("Cannot " + action + " " + this + ": it is not running");
    }
  }

  /**
   * A free loopback port; with {@code clusterBus}, one whose cluster bus port (port + {@value
   * #CLUSTER_BUS_OFFSET}) is free too. Another process may take either before the server binds
   * them; the caller retries on another port then.
   */
  static int freePort(boolean clusterBus) {
    for (int attempt = 0; attempt < 100; attempt++) {
      int port = freePort();
      if (!clusterBus
          || (port + CLUSTER_BUS_OFFSET <= 65535 && isFree(port + CLUSTER_BUS_OFFSET))) {
        return port;
      }
    }
    throw new IllegalStateException("Cannot find a free loopback port whose bus port is free");
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("Cannot find a free loopback port", e);
    }
  }

  private static boolean isFree(int port) {
    try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Options for a {@link RedisServer}. Each option may be set once ({@link #config} any number of
   * times); a bad value throws {@link IllegalArgumentException}, a second setting {@link
   * IllegalStateException}.
   */
  public static final class Builder {

    private String password;
    private int port;
    private Path binary;
    private boolean sentinel;
    private boolean clusterBus;
    private final List<Map.Entry<String, String>> config = new ArrayList<>();

    private Builder() {}

    /**
     * Runs the process as a Sentinel ({@code redis-server CONF --sentinel}); the caller adds the
     * {@code sentinel ...} directives with {@link #config}. For {@link SentinelGroup}.
     */
    Builder sentinel() {
      this.sentinel = true;
      return this;
    }

    /**
     * Picks a free port whose cluster bus port (port + 10000) is free as well. For {@link
     * RedisClusterNodes}.
     */
    Builder clusterBus() {
      this.clusterBus = true;
      return this;
    }

    /**
     * Requires this password ({@code requirepass}). Default: none. Must not be empty.
     *
     * @param password the password; not empty
     * @return this builder
     */
    public Builder password(String password) {
      Objects.requireNonNull(password, "password");
      if (password.isEmpty()) {
        throw new IllegalArgumentException("password must not be empty");
      }
      if (this.password != null) {
        throw new IllegalStateException("password is already set");
      }
      this.password = password;
      return this;
    }

    /**
     * Listens on this port. Default: a free port, picked at start. If the port is busy, start
     * retries for 5 s (scaled), then throws.
     *
     * @param port the port, 1 to 65535
     * @return this builder
     */
    public Builder port(int port) {
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("port must be 1..65535, was " + port);
      }
      if (this.port != 0) {
        throw new IllegalStateException("port is already set to " + this.port);
      }
      this.port = port;
      return this;
    }

    /**
     * Adds a {@code redis.conf} directive, after the kit's defaults, so it wins over them: {@code
     * config("appendonly", "yes")}, {@code config("maxmemory-policy", "allkeys-lru")}. The value is
     * written verbatim in config-file syntax ({@code config("save", "900 1")} gives two arguments);
     * an empty value is written as {@code ""}. May be called repeatedly, also with the same name,
     * for directives that repeat.
     *
     * @param name the directive
     * @param value its value
     * @return this builder
     * @throws IllegalArgumentException for a directive the kit owns ({@code port}, {@code bind},
     *     {@code dir}, {@code requirepass}, {@code logfile}, {@code daemonize}, ...) or a value
     *     spanning lines
     */
    public Builder config(String name, String value) {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(value, "value");
      RedisConfig.checkDirective(name, value);
      config.add(Map.entry(name, value));
      return this;
    }

    /**
     * Runs this {@code redis-server} executable. Default: {@link RedisBinary#find()}.
     *
     * @param binary the {@code redis-server} executable
     * @return this builder
     */
    public Builder binary(Path binary) {
      Objects.requireNonNull(binary, "binary");
      if (this.binary != null) {
        throw new IllegalStateException("binary is already set to " + this.binary);
      }
      this.binary = binary;
      return this;
    }

    /**
     * Starts the server and returns once it answers {@code PING}.
     *
     * @return the started server
     * @throws IllegalStateException if it does not start; the message names the executable and port
     *     and carries the tail of the server's log
     */
    public RedisServer start() {
      return RedisServer.startNew(this);
    }
  }
}
