package io.redmutex.spring;

import io.redmutex.dashboard.Dashboard;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.WebEndpoint;

/**
 * {@code /actuator/redmutexdashboard}: the live lock dashboard, the same page as {@code redmutex
 * dashboard}, served by the application's own web server under its actuator base path and security.
 * Like every actuator endpoint, it is served only when exposed ({@code
 * management.endpoints.web.exposure.include=redmutexdashboard}).
 *
 * <ul>
 *   <li>{@code GET /actuator/redmutexdashboard}: the page (HTML, its script and style inline)
 *   <li>{@code GET /actuator/redmutexdashboard/snapshot}: what it shows, as JSON
 *   <li>{@code POST /actuator/redmutexdashboard/break} with {@code {"name": ..., "fencingToken":
 *       ...}}: breaks that lock at that token, only with {@code
 *       redmutex.dashboard.allow-break=true} (403 otherwise, 409 if it changed hands)
 * </ul>
 */
@WebEndpoint(id = "redmutexdashboard")
public final class RedMutexDashboardEndpoint {
  private final Dashboard dashboard;

  RedMutexDashboardEndpoint(Dashboard dashboard) {
    this.dashboard = dashboard;
  }

  /**
   * The page.
   *
   * @return the page, one HTML document with its styles and script
   */
  @ReadOperation(produces = "text/html;charset=UTF-8")
  public String page() {
    return dashboard.page();
  }

  /**
   * {@code snapshot}: the page's data.
   *
   * @param part see above
   * @return the snapshot or an error status
   */
  @ReadOperation(produces = "application/json")
  public WebEndpointResponse<String> data(@Selector String part) {
    if (!part.equals("snapshot")) {
      return new WebEndpointResponse<>(
          "{\"error\":\"no such part: use snapshot\"}", WebEndpointResponse.STATUS_NOT_FOUND);
    }
    return new WebEndpointResponse<>(dashboard.snapshotJson(), WebEndpointResponse.STATUS_OK);
  }

  /**
   * {@code break}: breaks lock {@code name} if still held at {@code fencingToken}, if allowed.
   *
   * @param fencingToken the fencing token the caller saw
   * @param name the lock name
   * @param part see above
   * @return what the page is answered: the status and a message
   */
  @WriteOperation(produces = "application/json")
  public WebEndpointResponse<String> breakLock(
      @Selector String part, String name, long fencingToken) {
    if (!part.equals("break")) {
      return new WebEndpointResponse<>(
          "{\"error\":\"no such action: use break\"}", WebEndpointResponse.STATUS_NOT_FOUND);
    }
    Dashboard.Response response = dashboard.breakLock(name, fencingToken);
    return new WebEndpointResponse<>(response.json(), response.status());
  }
}
