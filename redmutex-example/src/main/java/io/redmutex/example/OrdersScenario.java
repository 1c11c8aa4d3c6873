package io.redmutex.example;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.LongTaskTimer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.redmutex.Lease;
import io.redmutex.LockLostException;
import io.redmutex.RedMutex;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.stereotype.Component;

/**
 * The example's script: workers add items to a few orders at once; a stuck holder whose lock an
 * operator broke tries to write with its old fencing token; the report job runs under ShedLock. It
 * prints what happened and says whether every check held.
 */
@Component
public class OrdersScenario {
  static final int ORDERS = 3;
  static final int WORKERS = 8;
  static final int ITEMS_PER_WORKER = 25;

  private final OrderService orders;
  private final OrderStore store;
  private final ReportJob reportJob;
  private final LockEvents events;
  private final RedMutex mutex;
  private final MeterRegistry meters;

  OrdersScenario(
      OrderService orders,
      OrderStore store,
      ReportJob reportJob,
      LockEvents events,
      RedMutex mutex,
      MeterRegistry meters) {
    this.orders = orders;
    this.store = store;
    this.reportJob = reportJob;
    this.events = events;
    this.mutex = mutex;
    this.meters = meters;
  }

  /** Runs the script; true if every check held. */
  public boolean run(PrintStream out) throws InterruptedException, ExecutionException {
    boolean ok = placeOrdersConcurrently(out);
    ok &= staleHolderIsFencedOff(out);
    ok &= reportJobRan(out);
    out.printf(
        "%nredmutex: %d leases taken (longest wait %.1f ms), %d released, %d handed straight to"
            + " a waiter, %d found lost, %d acquires failed%n",
        events.acquired.get(),
        events.longestWaitMicros.get() / 1000.0,
        events.released.get(),
        events.handedOff.get(),
        events.lost.get(),
        events.failed.get());
    printMeters(out);
    out.println(ok ? "\nall checks passed" : "\nSOME CHECKS FAILED");
    return ok;
  }

  /** The starter's Micrometer meters, as a dashboard would read them. */
  private void printMeters(PrintStream out) {
    out.println("meters (from the starter, read from the MeterRegistry):");
    for (Timer timer : meters.find("redmutex.acquire").timers()) {
      out.printf(
          "   redmutex.acquire{outcome=%s}: count %d, mean %.2f ms, max %.2f ms%n",
          timer.getId().getTag("outcome"),
          timer.count(),
          timer.mean(TimeUnit.MILLISECONDS),
          timer.max(TimeUnit.MILLISECONDS));
    }
    for (String name : List.of("redmutex.lost", "redmutex.renewals", "redmutex.handoffs")) {
      double count = meters.find(name).counters().stream().mapToDouble(Counter::count).sum();
      out.printf("   %s: %.0f%n", name, count);
    }
    for (LongTaskTimer held : meters.find("redmutex.held").longTaskTimers()) {
      out.printf("   redmutex.held: %d leases held now%n", held.activeTasks());
    }
  }

  private boolean placeOrdersConcurrently(PrintStream out)
      throws InterruptedException, ExecutionException {
    long[] expectedItems = new long[ORDERS + 1];
    long[] expectedCents = new long[ORDERS + 1];
    for (long id = 1; id <= ORDERS; id++) {
      store.create(id);
    }
    out.printf(
        "1. %d workers add %d items each to %d orders at once; each addition reads the order and"
            + " writes it back,%n   under @Locked(\"'orders:' + #orderId\") + @Transactional, with"
            + " the lease's fencing token%n",
        WORKERS, ITEMS_PER_WORKER, ORDERS);
    AtomicInteger refused = new AtomicInteger();
    ExecutorService workers = Executors.newFixedThreadPool(WORKERS);
    List<Future<?>> done = new ArrayList<>();
    long start = System.nanoTime();
    try {
      for (int w = 0; w < WORKERS; w++) {
        for (int i = 0; i < ITEMS_PER_WORKER; i++) {
          long id = 1 + (w + i) % ORDERS;
          long cents = 100 + 10 * w + i;
          expectedItems[(int) id]++;
          expectedCents[(int) id] += cents;
        }
        int worker = w;
        done.add(
            workers.submit(
                () -> {
                  for (int i = 0; i < ITEMS_PER_WORKER; i++) {
                    try {
                      orders.addItem(1 + (worker + i) % ORDERS, 100 + 10 * worker + i);
                    } catch (OrderService.StaleFenceException e) {
                      refused.incrementAndGet();
                    }
                  }
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      workers.shutdown();
      workers.awaitTermination(10, TimeUnit.SECONDS);
    }
    out.printf(
        "   %d additions in %d ms, %d refused by the fence%n",
        WORKERS * ITEMS_PER_WORKER, (System.nanoTime() - start) / 1_000_000, refused.get());
    boolean ok = refused.get() == 0;
    for (long id = 1; id <= ORDERS; id++) {
      OrderStore.Order order = store.read(id);
      boolean right =
          order.items() == expectedItems[(int) id] && order.totalCents() == expectedCents[(int) id];
      ok &= right;
      out.printf(
          "   order %d: %d items, %d cents (expected %d items, %d cents: %s), last fencing token"
              + " %d%n",
          id,
          order.items(),
          order.totalCents(),
          expectedItems[(int) id],
          expectedCents[(int) id],
          right ? "no update lost" : "UPDATES LOST",
          order.fence());
    }
    return ok;
  }

  private boolean staleHolderIsFencedOff(PrintStream out) {
    out.println(
        "\n2. a worker takes orders:1 and stalls (a GC pause, a frozen VM); an operator breaks its"
            + " lock;\n   another worker adds an item; then the stalled one wakes up and writes");
    Lease stalled = mutex.acquire("orders:1", Duration.ofSeconds(10));
    OrderStore.Order seen = store.read(1);
    out.printf("   stalled worker holds orders:1 with fencing token %d%n", stalled.fencingToken());
    mutex.forceRelease("orders:1"); // what `./redmutex release orders:1` does
    orders.addItem(1, 500);
    OrderStore.Order after = store.read(1);
    out.printf("   next worker wrote order 1 with fencing token %d%n", after.fence());
    boolean accepted =
        store.write(1, seen.items() + 1, seen.totalCents() + 999_99, stalled.fencingToken());
    out.printf(
        "   stalled worker's write with token %d: %s%n",
        stalled.fencingToken(),
        accepted
            ? "ACCEPTED (the fence failed)"
            : "refused by the fence (UPDATE ... WHERE fence < ?)");
    try {
      stalled.release();
      out.println("   its release: no error (UNEXPECTED)");
      accepted = true;
    } catch (LockLostException e) {
      out.println("   its release says: " + e.getMessage());
    }
    OrderStore.Order last = store.read(1);
    out.printf(
        "   order 1 now: %d items, %d cents, fencing token %d%n",
        last.items(), last.totalCents(), last.fence());
    return !accepted && after.fence() > stalled.fencingToken() && last.equals(after);
  }

  private boolean reportJobRan(PrintStream out) throws InterruptedException {
    out.println(
        "\n3. the report job (@Scheduled every 150 ms, @SchedulerLock \"orders-report\" through"
            + " RedMutexLockProvider)");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (reportJob.runs().size() < 3 && System.nanoTime() - deadline < 0) {
      Thread.sleep(20); // the example's own loop: waits for the scheduler to get there
    }
    List<ReportJob.Run> runs = reportJob.runs();
    boolean increasing = true;
    for (int i = 1; i < runs.size(); i++) {
      increasing &= runs.get(i).fence() > runs.get(i - 1).fence();
    }
    out.printf(
        "   ran %d times, fencing tokens %s%s%n",
        runs.size(),
        runs.stream().map(r -> Long.toString(r.fence())).toList(),
        increasing ? " (increasing)" : " (NOT INCREASING)");
    return runs.size() >= 3 && increasing;
  }
}
