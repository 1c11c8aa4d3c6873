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

  public boolean isAllowBreak() {
    return allowBreak;
  }

  public void setAllowBreak(boolean allowBreak) {
    this.allowBreak = allowBreak;
  }

  public String getPattern() {
    return pattern;
  }

  public void setPattern(String pattern) {
    this.pattern = pattern;
  }

  public int getLimit() {
    return limit;
  }

  public void setLimit(int limit) {
    this.limit = limit;
  }

  public Duration getPollInterval() {
    return pollInterval;
  }

  public void setPollInterval(Duration pollInterval) {
    this.pollInterval = pollInterval;
  }

  public Duration getHistory() {
    return history;
  }

  public void setHistory(Duration history) {
    this.history = history;
  }

  public Duration getPauseWhenUnwatched() {
    return pauseWhenUnwatched;
  }

  public void setPauseWhenUnwatched(Duration pauseWhenUnwatched) {
    this.pauseWhenUnwatched = pauseWhenUnwatched;
  }
}
