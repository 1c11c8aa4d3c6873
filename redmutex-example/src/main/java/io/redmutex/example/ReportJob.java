package io.redmutex.example;

import io.redmutex.shedlock.RedMutexLockProvider;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import net.javacrumbs.shedlock.spring.annotation.SchedulerLock;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * A scheduled job that must run on one instance at a time: every instance schedules it, and
 * ShedLock, through redmutex, lets one run it. It records the orders' total with the fencing token
 * it ran under.
 */
@Component
public class ReportJob {
  /** One run: the fencing token it held and the total it saw. */
  public record Run(long fence, long ordersTotal) {}

  private final OrderStore store;
  private final List<Run> runs = new CopyOnWriteArrayList<>();

  ReportJob(OrderStore store) {
    this.store = store;
  }

  @Scheduled(fixedDelay = 150)
  @SchedulerLock(name = "orders-report", lockAtMostFor = "10s", lockAtLeastFor = "100ms")
  public void report() {
    long fence = RedMutexLockProvider.currentFencingToken().orElseThrow();
    long total = store.totalCents();
    store.report(runs.size() + 1, total, fence);
    runs.add(new Run(fence, total));
  }

  List<Run> runs() {
    return List.copyOf(runs);
  }
}
