package io.redmutex.spring;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code redmutex.dashboard.*}: the lock dashboard at {@code /actuator/redmutexdashboard}, served
 * only when that endpoint is exposed ({@code management.endpoints.web.exposure.include}).
 */
@ConfigurationProperties("redmutex.dashboard")
public final class RedMutexDashboardProperties {
  /** Whether the page may break a lock (at the fencing token it shows, after a confirmation). */
  private boolean allowBreak;

  /** Which lock names the page shows (Redis glob, under the key prefix). */
  private String pattern = "*";

  /** The most rows shown, of all kinds together; each poll inspects that many. */
  private int limit = 500;

  /** How often the page's data is read from Redis while someone looks. */
  private Duration pollInterval = Duration.ofSeconds(1);

  /** How far back the timeline and chart go, kept in memory. */
  private Duration history = Duration.ofMinutes(10);

  /** Reading Redis stops when no page asked for this long, until one does again. */
  private Duration pauseWhenUnwatched = Duration.ofMinutes(1);

  /**
   * {@code redmutex.dashboard.allow-break}.
   *
   * @return its value
   */
  public boolean isAllowBreak() {
    return allowBreak;
  }

  /**
   * Sets {@code redmutex.dashboard.allow-break}.
   *
   * @param allowBreak the new value
   */
  public void setAllowBreak(boolean allowBreak) {
    this.allowBreak = allowBreak;
  }

  /**
   * {@code redmutex.dashboard.pattern}.
   *
   * @return its value
   */
  public String getPattern() {
    return pattern;
  }

  /**
   * Sets {@code redmutex.dashboard.pattern}.
   *
   * @param pattern the new value
   */
  public void setPattern(String pattern) {
    this.pattern = pattern;
  }

  /**
   * {@code redmutex.dashboard.limit}.
   *
   * @return its value
   */
  public int getLimit() {
    return limit;
  }

  /**
   * Sets {@code redmutex.dashboard.limit}.
   *
   * @param limit the new value
   */
  public void setLimit(int limit) {
    this.limit = limit;
  }

  /**
   * {@code redmutex.dashboard.poll-interval}.
   *
   * @return its value
   */
  public Duration getPollInterval() {
    return pollInterval;
  }

  /**
   * Sets {@code redmutex.dashboard.poll-interval}.
   *
   * @param pollInterval the new value
   */
  public void setPollInterval(Duration pollInterval) {
    this.pollInterval = pollInterval;
  }

  /**
   * {@code redmutex.dashboard.history}.
   *
   * @return its value
   */
  public Duration getHistory() {
    return history;
  }

  /**
   * Sets {@code redmutex.dashboard.history}.
   *
   * @param history the new value
   */
  public void setHistory(Duration history) {
    this.history = history;
  }

  /**
   * {@code redmutex.dashboard.pause-when-unwatched}.
   *
   * @return its value
   */
  public Duration getPauseWhenUnwatched() {
    return pauseWhenUnwatched;
  }

  /**
   * Sets {@code redmutex.dashboard.pause-when-unwatched}.
   *
   * @param pauseWhenUnwatched the new value
   */
  public void setPauseWhenUnwatched(Duration pauseWhenUnwatched) {
    this.pauseWhenUnwatched = pauseWhenUnwatched;
  }
}
