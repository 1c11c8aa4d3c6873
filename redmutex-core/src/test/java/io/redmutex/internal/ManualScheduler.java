package io.redmutex.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A scheduler that runs nothing by itself: the test moves a {@link FakeClock} with {@link #advance}
 * and the tasks that fall due run then, in due order, on the test's thread. With it the engine's
 * timers (renewals, retries, deadlines) are exercised without sleeping and without races.
 */
final class ManualScheduler extends AbstractExecutorService implements ScheduledExecutorService {
  private final FakeClock clock;
  private final PriorityQueue<Task> queue = new PriorityQueue<>();
  private long seq;
  private boolean shutdown;

  ManualScheduler(FakeClock clock) {
    this.clock = clock;
  }

  /** Moves the clock forward by {@code by}, running every task due on the way, in order. */
  void advance(Duration by) {
    long end = clock.nanoTime() + by.toNanos();
    while (true) {
      Task next;
      synchronized (this) {
        next = queue.peek();
        if (next == null || next.at - end > 0) {
          break;
        }
        queue.poll();
      }
      long step = next.at - clock.nanoTime();
      if (step > 0) {
        clock.advance(Duration.ofNanos(step));
      }
      next.run();
    }
    long rest = end - clock.nanoTime();
    if (rest > 0) {
      clock.advance(Duration.ofNanos(rest));
    }
  }

  /** Runs what is due now (tasks scheduled with no delay). */
  void runDue() {
    advance(Duration.ZERO);
  }

  /** How many tasks wait, cancelled ones excluded. */
  synchronized int pending() {
    return (int) queue.stream().filter(t -> !t.isCancelled()).count();
  }

  @Override
  public synchronized ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
    if (shutdown) {
      throw new java.util.concurrent.RejectedExecutionException("shut down");
    }
    Task task = new Task(command, clock.nanoTime() + Math.max(0, unit.toNanos(delay)), seq++);
    queue.add(task);
    return task;
  }

  @Override
  public void execute(Runnable command) {
    schedule(command, 0, TimeUnit.NANOSECONDS);
  }

  @Override
  public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
    throw new UnsupportedOperationException();
  }

  @Override
  public ScheduledFuture<?> scheduleAtFixedRate(
      Runnable command, long initialDelay, long period, TimeUnit unit) {
    throw new UnsupportedOperationException();
  }

  @Override
  public ScheduledFuture<?> scheduleWithFixedDelay(
      Runnable command, long initialDelay, long delay, TimeUnit unit) {
    throw new UnsupportedOperationException();
  }

  @Override
  public synchronized void shutdown() {
    shutdown = true;
  }

  @Override
  public synchronized List<Runnable> shutdownNow() {
    shutdown = true;
    List<Runnable> left = new ArrayList<>(queue);
    queue.clear();
    return left;
  }

  @Override
  public synchronized boolean isShutdown() {
    return shutdown;
  }

  @Override
  public synchronized boolean isTerminated() {
    return shutdown;
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) {
    return true;
  }

  private final class Task implements ScheduledFuture<Object>, Runnable {
    private final Runnable command;
    private final long at;
    private final long order;
    private volatile boolean cancelled;
    private volatile boolean done;

    Task(Runnable command, long at, long order) {
      this.command = command;
      this.at = at;
      this.order = order;
    }

    @Override
    public void run() {
      if (!cancelled) {
        done = true;
        command.run();
      }
    }

    @Override
    public long getDelay(TimeUnit unit) {
      return unit.convert(at - clock.nanoTime(), TimeUnit.NANOSECONDS);
    }

    @Override
    public int compareTo(Delayed other) {
      Task that = (Task) other;
      int byTime = Long.signum(at - that.at);
      return byTime != 0 ? byTime : Long.compare(order, that.order);
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      cancelled = true;
      synchronized (ManualScheduler.this) {
        queue.remove(this);
      }
      return !done;
    }

    @Override
    public boolean isCancelled() {
      return cancelled;
    }

    @Override
    public boolean isDone() {
      return done || cancelled;
    }

    @Override
    public Object get() {
      return null;
    }

    @Override
    public Object get(long timeout, TimeUnit unit) {
      return null;
    }
  }
}
