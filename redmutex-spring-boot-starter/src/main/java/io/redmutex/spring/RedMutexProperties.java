package io.redmutex.spring;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.core.Ordered;

/**
 * Settings of the auto-configured {@link io.redmutex.RedMutex}, under {@code redmutex.*}. Every
 * setting is optional: unset, the client connects where Spring Data Redis does ({@code
 * spring.data.redis.*}) with the core library's defaults.
 */
@ConfigurationProperties("redmutex")
public final class RedMutexProperties {

  /**
   * Where Redis is: redis://, rediss://, redis-sentinel://...#master or redis-cluster:// with
   * credentials in the URI. Overrides spring.data.redis.*. Default: where Spring Data Redis
   * connects.
   */
  private String uri;

  /**
   * How long a lease lives in Redis without renewal (it is renewed every third of that while held).
   * Default 30s.
   */
  private Duration leaseTime;

  /** Prepended to every lock name to form its Redis key. Default: none. */
  private String keyPrefix;

  /** How long one Redis command may take before its outcome counts as unknown. Default 5s. */
  private Duration commandTimeout;

  /**
   * The name of this client's Redis connections (CLIENT LIST), letters, digits and -_.: only.
   * Default: spring.application.name, else "redmutex".
   */
  private String clientName;

  private final WaitForReplicas waitForReplicas = new WaitForReplicas();
  private final LockedAdvice locked = new LockedAdvice();
  private final Metrics metrics = new Metrics();
  private final Observations observations = new Observations();
  private final Endpoint endpoint = new Endpoint();
  private final Health health = new Health();

  /**
   * {@return where Redis is, or null for where Spring Data Redis connects} ({@code redmutex.uri})
   */
  public String getUri() {
    return uri;
  }

  /**
   * Sets {@code redmutex.uri}.
   *
   * @param uri where Redis is, or null for where Spring Data Redis connects
   */
  public void setUri(String uri) {
    this.uri = uri;
  }

  /**
   * {@return the lease time, or null for the library default (30 s)} ({@code redmutex.lease-time})
   */
  public Duration getLeaseTime() {
    return leaseTime;
  }

  /**
   * Sets {@code redmutex.lease-time}.
   *
   * @param leaseTime the lease time, or null for the library default (30 s)
   */
  public void setLeaseTime(Duration leaseTime) {
    this.leaseTime = leaseTime;
  }

  /** {@return the key prefix, or null for none} ({@code redmutex.key-prefix}) */
  public String getKeyPrefix() {
    return keyPrefix;
  }

  /**
   * Sets {@code redmutex.key-prefix}.
   *
   * @param keyPrefix the key prefix, or null for none
   */
  public void setKeyPrefix(String keyPrefix) {
    this.keyPrefix = keyPrefix;
  }

  /**
   * {@return the command timeout, or null for the library default (5 s)} ({@code
   * redmutex.command-timeout})
   */
  public Duration getCommandTimeout() {
    return commandTimeout;
  }

  /**
   * Sets {@code redmutex.command-timeout}.
   *
   * @param commandTimeout the command timeout, or null for the library default (5 s)
   */
  public void setCommandTimeout(Duration commandTimeout) {
    this.commandTimeout = commandTimeout;
  }

  /**
   * {@return the connections' client name, or null for spring.application.name, else {@code
   * redmutex}} ({@code redmutex.client-name})
   */
  public String getClientName() {
    return clientName;
  }

  /**
   * Sets {@code redmutex.client-name}.
   *
   * @param clientName the connections' client name, or null for spring.application.name, else
   *     {@code redmutex}
   */
  public void setClientName(String clientName) {
    this.clientName = clientName;
  }

  /** {@return the replication-safe acquire settings} ({@code redmutex.wait-for-replicas.*}) */
  public WaitForReplicas getWaitForReplicas() {
    return waitForReplicas;
  }

  /** {@return the {@code @Locked} advice settings} ({@code redmutex.locked.*}) */
  public LockedAdvice getLocked() {
    return locked;
  }

  /** {@return the meter settings} ({@code redmutex.metrics.*}) */
  public Metrics getMetrics() {
    return metrics;
  }

  /** {@return the observation settings} ({@code redmutex.observations.*}) */
  public Observations getObservations() {
    return observations;
  }

  /** {@return the actuator endpoint settings} ({@code redmutex.endpoint.*}) */
  public Endpoint getEndpoint() {
    return endpoint;
  }

  /** {@return the health indicator settings} ({@code redmutex.health.*}) */
  public Health getHealth() {
    return health;
  }

  /** Replication-safe acquire, for Sentinel deployments: off unless replicas is set. */
  public static final class WaitForReplicas {
    /** How many replicas must acknowledge each take, renewal and release. Default: off. */
    private Integer replicas;

    /** How long to wait for the replicas' acknowledgement. Default 1s. */
    private Duration timeout = Duration.ofSeconds(1);

    /**
     * {@return how many replicas must acknowledge, or null for off} ({@code
     * redmutex.wait-for-replicas.replicas})
     */
    public Integer getReplicas() {
      return replicas;
    }

    /**
     * Sets {@code redmutex.wait-for-replicas.replicas}.
     *
     * @param replicas how many replicas must acknowledge, or null for off
     */
    public void setReplicas(Integer replicas) {
      this.replicas = replicas;
    }

    /** {@return how long to wait for the replicas} ({@code redmutex.wait-for-replicas.timeout}) */
    public Duration getTimeout() {
      return timeout;
    }

    /**
     * Sets {@code redmutex.wait-for-replicas.timeout}.
     *
     * @param timeout how long to wait for the replicas
     */
    public void setTimeout(Duration timeout) {
      this.timeout = timeout;
    }
  }

  /** The @Locked annotation support. */
  public static final class LockedAdvice {
    /** Whether @Locked methods are advised. Default true. */
    private boolean enabled = true;

    /**
     * The order of the @Locked advice among other advice on the same method. The default runs it
     * outside @Transactional (whose order is Ordered.LOWEST_PRECEDENCE), so the transaction commits
     * while the lease is still held.
     */
    private int order = Ordered.LOWEST_PRECEDENCE - 1000;

    /** {@return whether {@code @Locked} methods are advised} ({@code redmutex.locked.enabled}) */
    public boolean isEnabled() {
      return enabled;
    }

    /**
     * Sets {@code redmutex.locked.enabled}.
     *
     * @param enabled whether {@code @Locked} methods are advised
     */
    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    /** {@return the order of the {@code @Locked} advice} ({@code redmutex.locked.order}) */
    public int getOrder() {
      return order;
    }

    /**
     * Sets {@code redmutex.locked.order}.
     *
     * @param order the order of the {@code @Locked} advice
     */
    public void setOrder(int order) {
      this.order = order;
    }
  }

  /** Micrometer meters, when Micrometer and a MeterRegistry are present. */
  public static final class Metrics {
    /** Whether the redmutex.* meters are registered. Default true. */
    private boolean enabled = true;

    /**
     * Lock names to tag the meters with (tag "name"); other locks are tagged "other". Default:
     * none, and no name tag at all (lock names are unbounded).
     */
    private List<String> lockNames = new ArrayList<>();

    /** {@return whether the meters are registered} ({@code redmutex.metrics.enabled}) */
    public boolean isEnabled() {
      return enabled;
    }

    /**
     * Sets {@code redmutex.metrics.enabled}.
     *
     * @param enabled whether the meters are registered
     */
    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    /** {@return the lock names meters are tagged with} ({@code redmutex.metrics.lock-names}) */
    public List<String> getLockNames() {
      return lockNames;
    }

    /**
     * Sets {@code redmutex.metrics.lock-names}.
     *
     * @param lockNames the lock names meters are tagged with
     */
    public void setLockNames(List<String> lockNames) {
      this.lockNames = lockNames;
    }
  }

  /** Micrometer observations of lock acquires and holds, when an ObservationRegistry is present. */
  public static final class Observations {
    /** Whether each acquire and hold of a lock is observed (redmutex.lock.*). Default true. */
    private boolean enabled = true;

    /** {@return whether acquires and holds are observed} ({@code redmutex.observations.enabled}) */
    public boolean isEnabled() {
      return enabled;
    }

    /**
     * Sets {@code redmutex.observations.enabled}.
     *
     * @param enabled whether acquires and holds are observed
     */
    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }
  }

  /** The actuator endpoint /actuator/redmutex. */
  public static final class Endpoint {
    /**
     * Whether DELETE /actuator/redmutex/{name} may break a lock whatever its holder. Default false:
     * the operation answers 403.
     */
    private boolean breakEnabled;

    /** The most locks one listing returns. Default 100. */
    private int listLimit = 100;

    /** {@return whether the endpoint may break locks} ({@code redmutex.endpoint.break-enabled}) */
    public boolean isBreakEnabled() {
      return breakEnabled;
    }

    /**
     * Sets {@code redmutex.endpoint.break-enabled}.
     *
     * @param breakEnabled whether the endpoint may break locks
     */
    public void setBreakEnabled(boolean breakEnabled) {
      this.breakEnabled = breakEnabled;
    }

    /** {@return the most locks one listing returns} ({@code redmutex.endpoint.list-limit}) */
    public int getListLimit() {
      return listLimit;
    }

    /**
     * Sets {@code redmutex.endpoint.list-limit}.
     *
     * @param listLimit the most locks one listing returns
     */
    public void setListLimit(int listLimit) {
      this.listLimit = listLimit;
    }
  }

  /** The health indicator. */
  public static final class Health {
    /**
     * The command timeout of the health probe's own client: how long a health check may wait for
     * Redis. Default 2s.
     */
    private Duration timeout = Duration.ofSeconds(2);

    /** {@return the health probe's command timeout} ({@code redmutex.health.timeout}) */
    public Duration getTimeout() {
      return timeout;
    }

    /**
     * Sets {@code redmutex.health.timeout}.
     *
     * @param timeout the health probe's command timeout
     */
    public void setTimeout(Duration timeout) {
      this.timeout = timeout;
    }
  }
}
