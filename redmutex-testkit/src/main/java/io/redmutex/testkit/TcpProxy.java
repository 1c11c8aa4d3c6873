package io.redmutex.testkit;

import io.lettuce.core.RedisURI;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP proxy on a free loopback port that forwards every connection to one target, and can cut the
 * network between its clients and that target: point the code under test at the proxy, then {@link
 * #partition(Mode)} and {@link #heal()}.
 *
 * <pre>{@code
 * try (RedisServer redis = RedisServer.start();
 *     TcpProxy proxy = TcpProxy.start(redis)) {
 *   RedisClient client = RedisClient.create(proxy.redisUri());
 *   // ... take a lock through the proxy ...
 *   proxy.partition(TcpProxy.Mode.BLACKHOLE); // the client hears nothing; Redis sees an idle link
 *   // ... the lease expires on Redis while the client still believes it holds it ...
 *   proxy.heal();
 * }
 * }</pre>
 *
 * <p>Two kinds of cut, because clients react to them differently:
 *
 * <ul>
 *   <li>{@link Mode#RESET}: every connection is reset (RST to the client, the link to the target
 *       closed), and new ones are accepted and reset at once. Clients notice immediately, as when a
 *       host restarts or a firewall rejects.
 *   <li>{@link Mode#BLACKHOLE}: nothing is forwarded either way and nothing is closed; connections
 *       stay open and silent, and new ones are accepted (the kernel completes the handshake on the
 *       listening socket) but hear nothing. Clients notice only through their own timeouts, as when
 *       a network drops packets. On {@link #heal()}, what was held is delivered, late, as TCP would
 *       retransmit it: a command a client gave up on may still run on the target.
 * </ul>
 *
 * <p>Plain blocking sockets: one thread accepts, two per connection forward; all are daemons and
 * end with {@link #close()}. Methods are thread-safe.
 */
public final class TcpProxy implements Closeable {

  /** How {@link #partition(Mode)} cuts the network. */
  public enum Mode {
    /** Reset every connection and every new one: a cut that clients notice at once. */
    RESET,
    /** Forward nothing and close nothing: a cut that clients notice only by timing out. */
    BLACKHOLE
  }

  private static final Logger LOG = LoggerFactory.getLogger(TcpProxy.class);
  private static final String HOST = "127.0.0.1";
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  private static final int BUFFER_SIZE = 16 * 1024;

  private final String targetHost;
  private final int targetPort;
  private final String password; // of the target RedisServer, for uri(); null if none or unknown
  private final ServerSocket listener;
  private final Set<Link> links = ConcurrentHashMap.newKeySet();
  private Mode partition; // guarded by this; null while healed
  private boolean closed; // guarded by this

  private TcpProxy(String targetHost, int targetPort, String password) {
    this.targetHost = targetHost;
    this.targetPort = targetPort;
    this.password = password;
    try {
      this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot listen on a free loopback port", e);
    }
  }

  /**
   * Starts a proxy to {@code host:port}; returns once it listens. The target need not be up: a
   * connection to a target that refuses is reset.
   *
   * @param host the host to forward to
   * @param port the port to forward to
   * @return the started proxy
   */
  public static TcpProxy start(String host, int port) {
    Objects.requireNonNull(host, "host");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port must be 1..65535, was " + port);
    }
    return new TcpProxy(host, port, null).startAccepting();
  }

  /**
   * Starts a proxy to {@code server}; {@link #uri()} and {@link #redisUri()} then carry its
   * password.
   *
   * @param server the server to forward to
   * @return the started proxy
   */
  public static TcpProxy start(RedisServer server) {
    Objects.requireNonNull(server, "server");
    return new TcpProxy(server.host(), server.port(), server.password()).startAccepting();
  }

  /** {@return always {@code "127.0.0.1"}} */
  public String host() {
    return HOST;
  }

  /** {@return the port clients connect to} */
  public int port() {
    return listener.getLocalPort();
  }

  /** {@return the host connections are forwarded to} */
  public String targetHost() {
    return targetHost;
  }

  /** {@return the port connections are forwarded to} */
  public int targetPort() {
    return targetPort;
  }

  /**
   * {@return {@code redis://127.0.0.1:PORT} for the proxy's port, or with the target server's
   * password {@code redis://:PASSWORD@127.0.0.1:PORT}, as {@link RedisServer#uri()} has it}
   */
  public String uri() {
    String auth = UriAuth.of(password);
    return "redis://" + auth + HOST + ":" + port();
  }

  /**
   * {@return a new Lettuce {@link RedisURI} for the proxy's port, with the target's password if
   * any}
   */
  public RedisURI redisUri() {
    RedisURI.Builder uri = RedisURI.Builder.redis(HOST, port());
    if (password != null) {
      uri.withPassword(password.toCharArray());
    }
    return uri.build();
  }

  /** Cuts the network with {@link Mode#RESET}: the cut clients notice at once. */
  public void partition() {
    partition(Mode.RESET);
  }

  /**
   * Cuts the network between the proxy's clients and the target until {@link #heal()}, the way
   * {@code mode} says. Switching from {@link Mode#BLACKHOLE} to {@link Mode#RESET} resets the held
   * connections.
   *
   * @param mode how the cut connections behave
   * @throws IllegalStateException if closed
   */
  public void partition(Mode mode) {
    Objects.requireNonNull(mode, "mode");
    List<Link> open;
    synchronized (this) {
      requireOpen("partition");
      partition = mode;
      open = List.copyOf(links);
    }
    if (mode == Mode.RESET) {
      for (Link link : open) {
        link.reset();
      }
    }
  }

  /**
   * Ends a partition: new connections are forwarded again, and so is what the connections a
   * blackhole held had sent. Connections a reset dropped stay dropped. No-op if not partitioned.
   */
  public synchronized void heal() {
    partition = null;
    notifyAll();
  }

  /** {@return true between {@link #partition(Mode)} and {@link #heal()}} */
  public synchronized boolean isPartitioned() {
    return partition != null;
  }

  /** True until {@link #close()}: the listening socket is open. */
  boolean isListening() {
    return !listener.isClosed();
  }

  /** {@return how many client connections are open (forwarded or held)} */
  public int connectionCount() {
    return links.size();
  }

  /** Stops listening and closes every connection. Idempotent. */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      notifyAll();
    }
    try {
      listener.close();
    } catch (IOException e) {
      LOG.debug("Closing the listener of {}", this, e);
    }
    for (Link link : List.copyOf(links)) {
      link.close();
    }
  }

  @Override
  public String toString() {
    return "TcpProxy[" + HOST + ":" + port() + " -> " + targetHost + ":" + targetPort + "]";
  }

  private TcpProxy startAccepting() {
    Thread acceptor = new Thread(this::acceptLoop, "redmutex-proxy-" + port() + "-accept");
    acceptor.setDaemon(true);
    acceptor.start();
    return this;
  }

  private void acceptLoop() {
    while (true) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        if (!listener.isClosed()) {
          LOG.warn("{} stops accepting", this, e);
        }
        return;
      }
      Link link = new Link(client);
      boolean refused;
      synchronized (this) {
        // Under the lock, so that a partition(RESET) either sees this link or is seen here.
        refused = closed || partition == Mode.RESET;
        if (!refused) {
          links.add(link);
        }
      }
      if (refused) {
        resetQuietly(client);
      } else {
        link.start();
      }
    }
  }

  /**
   * Blocks while a blackhole holds traffic. Returns false if the link or the proxy closed
   * meanwhile.
   */
  private synchronized boolean awaitForwarding(Link link) throws InterruptedException {
    while (partition == Mode.BLACKHOLE && !closed && !link.isClosed()) {
      wait();
    }
    return !closed && !link.isClosed();
  }

  private synchronized void requireOpen(String action) {
    if (closed) {
      throw new IllegalStateException("Cannot " + action + " " + this + ": it is closed");
    }
  }

  private static void resetQuietly(Socket socket) {
    try {
      socket.setSoLinger(true, 0); // close() then sends RST instead of FIN
    } catch (SocketException e) {
      // already closed
    }
    closeQuietly(socket);
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // nothing left to do
    }
  }

  /** One client connection and its connection to the target, forwarded by two threads. */
  private final class Link {

    private final Socket client;
    private final Socket upstream = new Socket();
    private final AtomicInteger directionsOpen = new AtomicInteger(2);
    private volatile boolean closed;

    Link(Socket client) {
      this.client = client;
    }

    void start() {
      Thread connector =
          new Thread(this::connectAndForward, "redmutex-proxy-" + port() + "-" + clientPort());
      connector.setDaemon(true);
      connector.start();
    }

    boolean isClosed() {
      return closed;
    }

    private int clientPort() {
      return client.getPort();
    }

    private void connectAndForward() {
      try {
        upstream.connect(
            new InetSocketAddress(targetHost, targetPort),
            (int) Timing.scaled(CONNECT_TIMEOUT).toMillis());
        upstream.setTcpNoDelay(true);
        client.setTcpNoDelay(true);
      } catch (IOException e) {
        LOG.debug("{} cannot reach its target; resetting the client", TcpProxy.this, e);
        reset();
        return;
      }
      Thread back =
          new Thread(
              () -> forward(upstream, client),
              "redmutex-proxy-" + port() + "-" + clientPort() + "-back");
      back.setDaemon(true);
      back.start();
      forward(client, upstream);
    }

    private void forward(Socket from, Socket to) {
      byte[] buffer = new byte[BUFFER_SIZE];
      try {
        InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream();
        while (true) {
          int read = in.read(buffer);
          if (!awaitForwarding(this)) {
            return;
          }
          if (read < 0) {
            to.shutdownOutput(); // pass the FIN on; the other direction may go on
            if (directionsOpen.decrementAndGet() == 0) {
              close();
            }
            return;
          }
          out.write(buffer, 0, read);
          out.flush();
        }
      } catch (IOException e) {
        close(); // one side broke: break the other too
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        close();
      }
    }

    /** RST to the client; the target sees its connection closed. */
    void reset() {
      closed = true;
      links.remove(this);
      resetQuietly(client);
      closeQuietly(upstream);
      wakeWaiters();
    }

    void close() {
      closed = true;
      links.remove(this);
      closeQuietly(client);
      closeQuietly(upstream);
      wakeWaiters();
    }

    private void wakeWaiters() {
      synchronized (TcpProxy.this) {
        TcpProxy.this.notifyAll();
      }
    }
  }
}
