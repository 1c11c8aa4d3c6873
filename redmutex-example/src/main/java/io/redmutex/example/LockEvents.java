package io.redmutex.example;

import io.redmutex.LockException;
import io.redmutex.LockListener;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.stereotype.Component;

/** Counts what redmutex did, for the example's report (the starter tells every such bean). */
@Component
public class LockEvents implements LockListener {
  final AtomicLong acquired = new AtomicLong();
  final AtomicLong longestWaitMicros = new AtomicLong();
  final AtomicLong released = new AtomicLong();
  final AtomicLong handedOff = new AtomicLong();
  final AtomicLong lost = new AtomicLong();
  final AtomicLong failed = new AtomicLong();

  @Override
  public void acquired(String name, long fencingToken, Duration waited) {
    acquired.incrementAndGet();
    longestWaitMicros.accumulateAndGet(waited.toNanos() / 1000, Math::max);
  }

  @Override
  public void acquireFailed(String name, Duration waited, LockException cause) {
    failed.incrementAndGet();
  }

  @Override
  public void released(String name, long fencingToken, Duration held) {
    released.incrementAndGet();
  }

  @Override
  public void handedOff(String name, long fromFencingToken, long toFencingToken) {
    handedOff.incrementAndGet();
  }

  @Override
  public void lost(String name, long fencingToken) {
    lost.incrementAndGet();
  }
}
