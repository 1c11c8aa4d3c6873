package io.redmutex.spring;

import io.redmutex.LockInfo;
import io.redmutex.RedMutex;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

/**
 * {@code /actuator/redmutex}: the locks in Redis, as {@code redmutex status} shows them.
 *
 * <ul>
 *   <li>{@code GET /actuator/redmutex?pattern=orders:*} lists locks whose names match the glob
 *       (default {@code *}), at most {@code redmutex.endpoint.list-limit}, found with SCAN
 *   <li>{@code GET /actuator/redmutex/{name}} shows one lock
 *   <li>{@code DELETE /actuator/redmutex/{name}} breaks a lock whatever its holder, only with
 *       {@code redmutex.endpoint.break-enabled=true}; otherwise it answers 403 and touches nothing
 * </ul>
 */
@Endpoint(id = "redmutex")
public final class RedMutexEndpoint {
  private final RedMutex mutex;
  private final RedMutexProperties.Endpoint settings;

  RedMutexEndpoint(RedMutex mutex, RedMutexProperties.Endpoint settings) {
    this.mutex = mutex;
    this.settings = settings;
  }

  /**
   * The locks whose names match {@code pattern} (Redis glob), {@code *} if null.
   *
   * @param pattern a Redis glob over lock names (under the key prefix)
   * @return the matching locks
   */
  @ReadOperation
  public Locks locks(@Nullable String pattern) {
    String glob = pattern == null || pattern.isBlank() ? "*" : pattern;
    List<LockView> locks =
        mutex.list(glob, settings.getListLimit()).stream().map(LockView::of).toList();
    return new Locks(glob, settings.getListLimit(), locks);
  }

  /**
   * One lock, held or not. Names may contain {@code /}: the rest of the path is the name.
   *
   * @param name the lock name
   * @return the lock, held or not
   */
  @ReadOperation
  public LockView lock(@Selector(match = Selector.Match.ALL_REMAINING) String[] name) {
    return LockView.of(mutex.inspect(String.join("/", name)));
  }

  /**
   * Breaks one lock, if enabled; 403 otherwise, 404 if it was free.
   *
   * @param name the lock name
   * @return the broken lock, or the status that says why not
   */
  @DeleteOperation
  public WebEndpointResponse<Map<String, Object>> breakLock(
      @Selector(match = Selector.Match.ALL_REMAINING) String[] name) {
    String lock = String.join("/", name);
    if (!settings.isBreakEnabled()) {
      return new WebEndpointResponse<>(
          Map.of(
              "error",
              "breaking locks through the endpoint is disabled; set"
                  + " redmutex.endpoint.break-enabled=true to allow it",
              "name",
              lock),
          403);
    }
    Optional<LockInfo> broken = mutex.forceRelease(lock);
    if (broken.isEmpty()) {
      return new WebEndpointResponse<>(
          Map.of("name", lock, "broken", false, "reason", "the lock was free"),
          WebEndpointResponse.STATUS_NOT_FOUND);
    }
    return new WebEndpointResponse<>(
        Map.of("name", lock, "broken", true, "was", LockView.of(broken.get())),
        WebEndpointResponse.STATUS_OK);
  }

  /**
   * A listing.
   *
   * @param pattern the glob matched
   * @param limit the most locks listed
   * @param locks the locks found
   */
  public record Locks(String pattern, int limit, List<LockView> locks) {}

  /**
   * One lock, as {@link LockInfo} says, with plain types for JSON.
   *
   * @param name the lock name
   * @param key the Redis key
   * @param held whether the key exists
   * @param remainingMillis its time to live in milliseconds, null when free or without TTL
   * @param fencingToken the last fencing token issued, 0 if none is remembered
   * @param holder who holds it, when a redmutex client does
   * @param since when the holder took it (ISO-8601), when known
   * @param waitingClients how many clients wait for it
   */
  public record LockView(
      String name,
      String key,
      boolean held,
      Long remainingMillis,
      long fencingToken,
      String holder,
      String since,
      int waitingClients) {
    static LockView of(LockInfo info) {
      return new LockView(
          info.name(),
          info.key(),
          info.held(),
          info.remaining().map(d -> d.toMillis()).orElse(null),
          info.fencingToken(),
          info.holder().orElse(null),
          info.since().map(Object::toString).orElse(null),
          info.waitingClients());
    }
  }
}
