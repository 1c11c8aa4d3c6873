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
  private final Endpoint endpoint = new Endpoint();
  private final Health health = new Health();

  public String getUri() {
    return uri;
  }

  public void setUri(String uri) {
    this.uri = uri;
  }

  public Duration getLeaseTime() {
    return leaseTime;
  }

  public void setLeaseTime(Duration leaseTime) {
    this.leaseTime = leaseTime;
  }

  public String getKeyPrefix() {
    return keyPrefix;
  }

  public void setKeyPrefix(String keyPrefix) {
    this.keyPrefix = keyPrefix;
  }

  public Duration getCommandTimeout() {
    return commandTimeout;
  }

  public void setCommandTimeout(Duration commandTimeout) {
    this.commandTimeout = commandTimeout;
  }

  public String getClientName() {
    return clientName;
  }

  public void setClientName(String clientName) {
    this.clientName = clientName;
  }

  public WaitForReplicas getWaitForReplicas() {
    return waitForReplicas;
  }

  public LockedAdvice getLocked() {
    return locked;
  }

  public Metrics getMetrics() {
    return metrics;
  }

  public Endpoint getEndpoint() {
    return endpoint;
  }

  public Health getHealth() {
    return health;
  }

  /** Replication-safe acquire, for Sentinel deployments: off unless replicas is set. */
  public static final class WaitForReplicas {
    /** How many replicas must acknowledge each take, renewal and release. Default: off. */
    private Integer replicas;

    /** How long to wait for the replicas' acknowledgement. Default 1s. */
    private Duration timeout = Duration.ofSeconds(1);

    public Integer getReplicas() {
      return replicas;
    }

    public void setReplicas(Integer replicas) {
      this.replicas = replicas;
    }

    public Duration getTimeout() {
      return timeout;
    }

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

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public int getOrder() {
      return order;
    }

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

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public List<String> getLockNames() {
      return lockNames;
    }

    public void setLockNames(List<String> lockNames) {
      this.lockNames = lockNames;
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

    public boolean isBreakEnabled() {
      return breakEnabled;
    }

    public void setBreakEnabled(boolean breakEnabled) {
      this.breakEnabled = breakEnabled;
    }

    public int getListLimit() {
      return listLimit;
    }

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

    public Duration getTimeout() {
      return timeout;
    }

    public void setTimeout(Duration timeout) {
      this.timeout = timeout;
    }
  }
}
