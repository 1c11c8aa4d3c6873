package io.redmutex;

import io.lettuce.core.RedisURI;
import io.lettuce.core.resource.ClientResources;
import io.redmutex.internal.Durations;
import io.redmutex.internal.LockDriver;
import io.redmutex.internal.LockEngine;
import io.redmutex.internal.LockKeys;
import io.redmutex.internal.NanoClock;
import io.redmutex.internal.PermitEngine;
import io.redmutex.internal.RedisUris;
import io.redmutex.internal.Settings;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;

/**
 * A distributed mutex on Redis: named locks held as leases with fencing tokens.
 *
 * <p><b>What is guaranteed.</b> While a lease {@linkplain Lease#isHeld() is held}, no other
 * redmutex client (nor any client using the same {@code SET NX PX} + compare-and-delete pattern on
 * the same key) holds the same name on that Redis. Every lease carries a {@linkplain
 * Lease#fencingToken() fencing token}, strictly larger than every earlier token of that name.
 *
 * <p><b>What is not.</b> A lease is a time-bounded promise: a process paused longer than its lease
 * time (GC, a frozen VM) can wake up believing it still holds a lock that someone else now holds,
 * and a Redis failover can lose a lock whose write had not reached the new master. In both cases
 * the fencing token is what keeps the protected resource correct: have it reject writes carrying a
 * token smaller than one it has seen. Tokens stay increasing across a failover provided the Redis
 * nodes' clocks agree to within the failover detection time.
 *
 * <pre>{@code
 * try (RedMutex mutex = RedMutex.connect("redis://localhost:6379")) {
 *   try (Lease lease = mutex.acquire("orders:42", Duration.ofSeconds(5))) {
 *     store.write(order, lease.fencingToken());
 *   }
 * }
 * }</pre>
 *
 * <p>One instance per application: it is thread-safe, and owns at most two Redis connections (one
 * for commands, one for wake-up messages, opened on the first contended acquire; two per master
 * with Redlock over independent masters, {@code redlock://h1,h2,h3}) and one scheduler thread,
 * whatever the number of locks and waiters. Leases are renewed in the background every third of the
 * lease time until released.
 */
public final class RedMutex implements AutoCloseable {

  /** The default {@linkplain Builder#leaseTime lease time}: 30 seconds. */
  public static final Duration DEFAULT_LEASE_TIME = Duration.ofSeconds(30);

  /** The shortest lease time accepted: 100 ms (renewal needs a few round trips per period). */
  public static final Duration MIN_LEASE_TIME = Duration.ofMillis(100);

  /** The longest lease time accepted: 30 days. */
  public static final Duration MAX_LEASE_TIME = Duration.ofDays(30);

  /** The longest finite wait accepted by {@link #acquire}: 365 days. */
  public static final Duration MAX_WAIT_TIMEOUT = Duration.ofDays(365);

  /** The default {@linkplain Builder#commandTimeout command timeout}: 5 seconds. */
  public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(5);

  /** The longest lock name accepted, in UTF-8 bytes. */
  public static final int MAX_NAME_BYTES = LockKeys.MAX_NAME_BYTES;

  /** The most permits a {@linkplain #semaphore semaphore} may have: 1,000,000. */
  public static final int MAX_PERMITS = PermitEngine.MAX_PERMITS;

  private final LockEngine engine;
  private final PermitEngine permits;
  private final AcquireEvents acquireEvents;

  private RedMutex(LockEngine engine, LockListener listener) {
    this.engine = engine;
    this.permits = new PermitEngine(engine);
    this.acquireEvents = new AcquireEvents(listener);
  }

  /**
   * Connects with default settings to {@code redis://[[user:]password@]host[:port][/db]} or {@code
   * rediss://...} (TLS).
   *
   * @param uri where Redis is
   * @return the connected client
   * @throws IllegalArgumentException if the URI is malformed or has an unknown scheme
   * @throws RedisUnavailableException if Redis cannot be reached or refuses the credentials
   */
  public static RedMutex connect(String uri) {
    return builder().uri(uri).build();
  }

  /**
   * A builder for a client with non-default settings.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Takes the lock {@code name}, waiting up to {@code waitTimeout} for its holder to let go.
   *
   * @param name the lock name
   * @param waitTimeout how long to wait; zero tries once
   * @return the lease
   * @throws LockTimeoutException if the lock was held by another owner for the whole wait
   * @throws LockInterruptedException if the thread was interrupted while waiting
   * @throws RedisUnavailableException if Redis could not be reached within the wait
   * @throws IllegalArgumentException if the name is empty or too long, or the wait is negative or
   *     longer than {@link #MAX_WAIT_TIMEOUT}
   * @throws IllegalStateException if this client is closed
   */
  public Lease acquire(String name, Duration waitTimeout) {
    return acquireEvents.acquire(name, () -> engine.acquire(name, waitTimeout));
  }

  /**
   * Takes the lock {@code name} if it is free, without waiting.
   *
   * @return the lease, or empty if someone else holds the lock
   * @param name the lock name
   * @throws RedisUnavailableException if Redis did not answer within the command timeout
   */
  public Optional<Lease> tryAcquire(String name) {
    return acquireEvents.tryAcquire(name, () -> engine.tryAcquire(name));
  }

  /**
   * Takes the lock {@code name} without blocking the calling thread. The future completes with the
   * lease, or exceptionally with the exceptions {@link #acquire} throws; cancelling it stops the
   * wait and leaves nothing held. It completes on a pool thread, never on a Redis I/O thread.
   *
   * @param name the lock name
   * @param waitTimeout how long to wait for the holder to let go; zero tries once
   * @return the lease, when acquired
   * @throws IllegalArgumentException at once, for a bad name or wait
   */
  public CompletableFuture<Lease> acquireAsync(String name, Duration waitTimeout) {
    return acquireEvents.acquireAsync(name, () -> engine.acquireAsync(name, waitTimeout));
  }

  /**
   * The {@link java.util.concurrent.locks.Lock} view of lock {@code name}: thread-owned and
   * re-entrant. Views of the same name share the calling thread's hold.
   *
   * @param name the lock name
   * @return the lock view
   */
  public DistributedLock lock(String name) {
    return engine.lock(name);
  }

  /**
   * Reads the state of lock {@code name} from Redis, for operators: whether it is held, for how
   * much longer, its last fencing token, who holds it and how many clients wait. Read-only; two
   * round trips.
   *
   * @param name the lock name
   * @return what Redis says about the lock now
   */
  public LockInfo inspect(String name) {
    return engine.inspection().inspect(name);
  }

  /**
   * The locks whose names match {@code pattern} (Redis glob syntax, under this client's key
   * prefix), found with {@code SCAN}, never {@code KEYS}; at most {@code limit}. Any string key
   * that matches is reported, including locks written by other libraries; semaphores and read-write
   * locks are not (see {@link #listSemaphores} and {@link #listReadWriteLocks}). To learn whether
   * more match than {@code limit}, ask for one more.
   *
   * @param pattern a Redis glob over lock names (under the key prefix)
   * @param limit the most to return; positive
   * @return the matching locks, at most {@code limit}
   * @throws IllegalArgumentException if {@code limit} is not positive
   * @throws RedisUnavailableException if Redis did not answer
   */
  public List<LockInfo> list(String pattern, int limit) {
    return engine.inspection().list(pattern, limit);
  }

  /**
   * The semaphores whose names match {@code pattern} (Redis glob syntax, under this client's key
   * prefix), as {@link #inspectSemaphore} sees each, sorted by name: those held, waited for, or
   * used within the last hour (their info hash, {@code {name}:sem:info}, is what is searched for).
   * Found with {@code SCAN ... TYPE hash}, never {@code KEYS}; at most {@code limit}. To learn
   * whether more match than {@code limit}, ask for one more. Plain locks and read-write locks are
   * not reported.
   *
   * @param pattern a Redis glob over lock names (under the key prefix)
   * @param limit the most to return; positive
   * @return the matching semaphores, at most {@code limit}
   * @throws IllegalArgumentException if {@code limit} is not positive
   * @throws RedisUnavailableException if Redis did not answer
   * @throws UnsupportedOperationException if a semaphore is found on a deployment that does not
   *     support them (Redlock)
   */
  public List<PermitsInfo> listSemaphores(String pattern, int limit) {
    return permits.listSemaphores(pattern, limit);
  }

  /**
   * The read-write locks whose names match {@code pattern}, as {@link #inspectReadWriteLock} sees
   * each, sorted by name; found as {@link #listSemaphores} finds semaphores (their info hash is
   * {@code {name}:rw:info}), at most {@code limit}. Plain locks and semaphores are not reported.
   *
   * @param pattern a Redis glob over lock names (under the key prefix)
   * @param limit the most to return; positive
   * @return the matching read-write locks, at most {@code limit}
   * @throws IllegalArgumentException if {@code limit} is not positive
   * @throws RedisUnavailableException if Redis did not answer
   * @throws UnsupportedOperationException if a read-write lock is found on a deployment that does
   *     not support them (Redlock)
   */
  public List<PermitsInfo> listReadWriteLocks(String pattern, int limit) {
    return permits.listReadWriteLocks(pattern, limit);
  }

  /**
   * Breaks lock {@code name} whatever its owner, and wakes its waiters: for operators with a stuck
   * lock. The holder learns of the loss at its next renewal. Unsafe for the protected resource
   * unless it checks fencing tokens. Only the holder this call inspected is broken (a
   * compare-and-delete on its token), never one that took the lock meanwhile.
   *
   * @return what was broken, or empty if the lock was free
   * @param name the lock name
   * @throws LockException if the lock changed hands between the inspection and the break (nothing
   *     was broken; inspect it again)
   */
  public Optional<LockInfo> forceRelease(String name) {
    return engine.inspection().forceRelease(name);
  }

  /**
   * As {@link #forceRelease(String)}, but only while the lock's fencing token is {@code
   * fencingToken}: for tools that show a holder and break exactly that one (the dashboard).
   *
   * @return what was broken, or empty if the lock was free
   * @throws LockException if the lock is held with another fencing token, or changed hands between
   *     the inspection and the break (nothing was broken; inspect it again)
   * @param name the lock name
   * @param fencingToken the fencing token the caller saw
   */
  public Optional<LockInfo> forceRelease(String name, long fencingToken) {
    return engine.inspection().forceRelease(name, fencingToken);
  }

  /**
   * A semaphore of {@code permits} permits named {@code name}: at most that many leases at once,
   * across every client. Cheap: nothing is sent until an acquire.
   *
   * @param name the lock name
   * @param permits how many leases may be held at once, 1 to {@link #MAX_PERMITS}
   * @return the semaphore
   * @throws IllegalArgumentException if the name is bad (as a lock name) or permits are not between
   *     1 and {@link #MAX_PERMITS}
   * @throws UnsupportedOperationException with {@code waitForReplicas} (not supported for
   *     semaphores yet)
   * @see DistributedSemaphore
   */
  public DistributedSemaphore semaphore(String name, int permits) {
    return this.permits.semaphore(name, permits);
  }

  /**
   * The read-write lock named {@code name}. Cheap: nothing is sent until an acquire.
   *
   * @param name the lock name
   * @return the read-write lock
   * @throws IllegalArgumentException if the name is bad (as a lock name)
   * @throws UnsupportedOperationException with {@code waitForReplicas} (not supported for
   *     read-write locks yet)
   * @see DistributedReadWriteLock
   */
  public DistributedReadWriteLock readWriteLock(String name) {
    return permits.readWriteLock(name);
  }

  /**
   * {@return what Redis says about semaphore {@code name} now: its permits, holders and waiters}
   *
   * @param name the lock name
   */
  public PermitsInfo inspectSemaphore(String name) {
    return permits.inspectSemaphore(name);
  }

  /**
   * {@return what Redis says about read-write lock {@code name} now: writer, readers, waiters}
   *
   * @param name the lock name
   */
  public PermitsInfo inspectReadWriteLock(String name) {
    return permits.inspectReadWriteLock(name);
  }

  /** The semaphores' and read-write locks' engine, for tests in this package's test sources. */
  PermitEngine permitEngine() {
    return permits;
  }

  /** The engine, for tests in this package's test sources. */
  LockEngine engine() {
    return engine;
  }

  /**
   * Gives back every held lease, fails acquires in progress, and closes the connections. Leases
   * cannot be used afterwards; calling it again does nothing.
   */
  @Override
  public void close() {
    try {
      permits.close();
    } finally {
      engine.close();
    }
  }

  /**
   * Builds a {@link RedMutex}. Each option may be set once; values are checked in {@link #build()}.
   */
  public static final class Builder {
    private String uri;
    private Duration leaseTime;
    private String keyPrefix;
    private Duration commandTimeout;
    private LockListener listener;
    private String clientName;
    private String[] sentinelCredentials;
    private Integer waitForReplicas;
    private Duration replicaTimeout;
    private NanoClock clock;
    private ClientResources clientResources;
    private UnaryOperator<LockDriver> driverDecorator;

    private Builder() {}

    /**
     * Where Redis is: {@code redis://}, {@code rediss://}, {@code redis-sentinel://}, {@code
     * redis-cluster://} or {@code redlock://host:port,host:port,host:port} (Redlock over
     * independent masters, see the README), as {@link RedMutex#connect(String)} describes.
     *
     * @param uri where Redis is
     * @return this builder
     */
    public Builder uri(String uri) {
      this.uri = once("uri", this.uri, Objects.requireNonNull(uri, "uri"));
      return this;
    }

    /**
     * How long a lease lives in Redis without renewal; it is renewed every third of that while
     * held, so this bounds how long a crashed holder blocks others. Default 30 s; between {@link
     * #MIN_LEASE_TIME} and {@link #MAX_LEASE_TIME}.
     *
     * @param leaseTime the lease time
     * @return this builder
     */
    public Builder leaseTime(Duration leaseTime) {
      this.leaseTime = once("leaseTime", this.leaseTime, Objects.requireNonNull(leaseTime));
      return this;
    }

    /**
     * Prepended to every lock name to form its Redis key. Default empty, so that services in other
     * languages locking {@code orders:42} exclude this one locking {@code orders:42}.
     *
     * @param keyPrefix the prefix of every key
     * @return this builder
     */
    public Builder keyPrefix(String keyPrefix) {
      this.keyPrefix = once("keyPrefix", this.keyPrefix, Objects.requireNonNull(keyPrefix));
      return this;
    }

    /**
     * How long one Redis command may take before its outcome counts as unknown (it is then retried
     * within the wait, or given back). Also the connect timeout, and the most a {@link
     * RedMutex#tryAcquire} waits. Default 5 s; between 10 ms and 10 minutes.
     *
     * @param commandTimeout the command timeout
     * @return this builder
     */
    public Builder commandTimeout(Duration commandTimeout) {
      this.commandTimeout =
          once("commandTimeout", this.commandTimeout, Objects.requireNonNull(commandTimeout));
      return this;
    }

    /**
     * Told of acquires, releases and losses, for metrics and logs. Default: none.
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder listener(LockListener listener) {
      this.listener = once("listener", this.listener, Objects.requireNonNull(listener));
      return this;
    }

    /**
     * The name this client's connections carry in Redis ({@code CLIENT SETNAME}), shown by {@code
     * CLIENT LIST}, so an operator can tell which service holds connections. Default {@code
     * redmutex}; letters, digits and {@code -_.:} only.
     *
     * @param clientName the client name
     * @return this builder
     */
    public Builder clientName(String clientName) {
      this.clientName = once("clientName", this.clientName, Objects.requireNonNull(clientName));
      return this;
    }

    /**
     * Credentials for the Sentinels, when they differ from the data nodes'. By default a {@code
     * redis-sentinel://} URI's credentials apply to both, as in the Bitnami chart with {@code
     * auth.sentinel=true}.
     *
     * @param username the ACL user, or null for the default user
     * @param password the password of the Sentinels
     * @return this builder
     */
    public Builder sentinelCredentials(String username, String password) {
      this.sentinelCredentials =
          once(
              "sentinelCredentials",
              this.sentinelCredentials,
              new String[] {username, Objects.requireNonNull(password, "password")});
      return this;
    }

    /**
     * Replication-safe acquire, for Sentinel deployments: after each take (and each renewal and
     * release), {@code WAIT} until {@code replicas} replicas acknowledged it, at most {@code
     * timeout}. A take that fewer replicas acknowledge is given back and fails with {@link
     * InsufficientReplicasException}; a renewal that fewer acknowledge counts as failed. This
     * narrows, without closing, the window in which a failover loses a lock. Each write waits on a
     * connection of its own (from a small pool), so it never delays other callers. Default: off.
     *
     * @param replicas how many replicas must acknowledge
     * @param timeout the most to wait for them; shorter than {@link #commandTimeout} (checked in
     *     {@link #build()})
     * @return this builder
     */
    public Builder waitForReplicas(int replicas, Duration timeout) {
      this.waitForReplicas = once("waitForReplicas", this.waitForReplicas, replicas);
      this.replicaTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /**
     * Lettuce's event loops and timers to use, for example a Spring Boot application's own {@code
     * ClientResources} bean, so that the application runs one set of I/O threads. The caller owns
     * them: closing this client does not shut them down. Default: one set shared by every {@code
     * RedMutex} in the JVM, shut down with the last.
     *
     * @param clientResources the application's Lettuce resources
     * @return this builder
     */
    public Builder clientResources(ClientResources clientResources) {
      this.clientResources =
          once("clientResources", this.clientResources, Objects.requireNonNull(clientResources));
      return this;
    }

    /** The monotonic clock; for tests only. Default: {@link System#nanoTime()}. */
    Builder clock(NanoClock clock) {
      this.clock = once("clock", this.clock, Objects.requireNonNull(clock));
      return this;
    }

    /** Wraps the Redis driver; for tests only (they count or delay commands with it). */
    Builder driverDecorator(UnaryOperator<LockDriver> driverDecorator) {
      this.driverDecorator =
          once("driverDecorator", this.driverDecorator, Objects.requireNonNull(driverDecorator));
      return this;
    }

    private static <T> T once(String option, T current, T value) {
      if (current != null) {
        throw new IllegalStateException(option + " was already set");
      }
      return value;
    }

    /**
     * Checks the options, connects to Redis and returns the client.
     *
     * @return the connected client
     * @throws IllegalStateException if no URI was given
     * @throws IllegalArgumentException if an option is out of range
     * @throws RedisUnavailableException if Redis cannot be reached or refuses the credentials
     */
    public RedMutex build() {
      if (uri == null) {
        throw new IllegalStateException("uri is required: RedMutex.builder().uri(\"redis://...\")");
      }
      Duration lease = leaseTime == null ? DEFAULT_LEASE_TIME : leaseTime;
      Durations.check("leaseTime", lease, MIN_LEASE_TIME, MAX_LEASE_TIME);
      Duration timeout = commandTimeout == null ? DEFAULT_COMMAND_TIMEOUT : commandTimeout;
      Durations.check("commandTimeout", timeout, Duration.ofMillis(10), Duration.ofMinutes(10));
      String prefix = keyPrefix == null ? "" : keyPrefix;
      if (prefix.length() > MAX_NAME_BYTES) {
        throw new IllegalArgumentException(
            "keyPrefix must be at most " + MAX_NAME_BYTES + " characters, was " + prefix.length());
      }
      String name = clientName == null ? "redmutex" : clientName;
      if (!name.matches("[A-Za-z0-9_.:-]{1,64}")) {
        throw new IllegalArgumentException(
            "clientName must be 1 to 64 letters, digits or -_.: characters, was '" + name + "'");
      }
      int replicas = waitForReplicas == null ? 0 : waitForReplicas;
      if (replicas < 0 || replicas > 100) {
        throw new IllegalArgumentException(
            "waitForReplicas must be between 1 and 100 replicas, was " + replicas);
      }
      if (waitForReplicas != null) {
        if (replicas == 0) {
          throw new IllegalArgumentException(
              "waitForReplicas must be between 1 and 100 replicas, was 0 (leave it unset for none)");
        }
        Durations.check("waitForReplicas timeout", replicaTimeout, Duration.ofMillis(1), lease);
        if (replicaTimeout.compareTo(timeout) >= 0) {
          // The WAIT is a command too: one that may outlast the command timeout would be reported
          // as Redis not answering, never as too few replicas.
          throw new IllegalArgumentException(
              "waitForReplicas timeout ("
                  + Durations.format(replicaTimeout)
                  + ") must be shorter than commandTimeout ("
                  + Durations.format(timeout)
                  + "): a WAIT that outlasts it is reported as Redis not answering");
        }
      }
      List<RedisURI> clusterNodes =
          RedisUris.isCluster(uri) ? RedisUris.parseCluster(uri, name) : List.of();
      List<RedisURI> redlockNodes =
          RedisUris.isRedlock(uri) ? RedisUris.parseRedlock(uri, name) : List.of();
      RedisURI redisUri =
          !redlockNodes.isEmpty()
              ? redlockNodes.get(0)
              : clusterNodes.isEmpty() ? RedisUris.parse(uri, name) : clusterNodes.get(0);
      if (!redlockNodes.isEmpty() && replicas > 0) {
        throw new IllegalArgumentException(
            "waitForReplicas does not apply to redlock:// (independent masters have no replicas"
                + " to wait for); use it with redis:// or redis-sentinel://");
      }
      if (!clusterNodes.isEmpty() && replicas > 0) {
        throw new IllegalArgumentException(
            "waitForReplicas is not supported on a Redis Cluster yet; use it with redis:// or"
                + " redis-sentinel://");
      }
      if (sentinelCredentials != null) {
        if (redisUri.getSentinels().isEmpty()) {
          throw new IllegalArgumentException(
              "sentinelCredentials need a redis-sentinel:// URI, was " + RedisUris.redact(uri));
        }
        RedisUris.withSentinelCredentials(
            redisUri, sentinelCredentials[0], sentinelCredentials[1].toCharArray());
      }
      LockListener events = listener == null ? LockListener.none() : listener;
      Settings settings =
          new Settings(
              redisUri,
              clusterNodes,
              lease,
              prefix,
              timeout,
              events,
              replicas,
              replicaTimeout == null ? Duration.ZERO : replicaTimeout,
              clock == null ? NanoClock.system() : clock,
              clientResources,
              driverDecorator,
              redlockNodes);
      return new RedMutex(new LockEngine(settings), events);
    }
  }
}
