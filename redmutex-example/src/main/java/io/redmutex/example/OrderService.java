package io.redmutex.example;

import io.redmutex.spring.Locked;
import io.redmutex.spring.Locks;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Adds items to orders: a read-modify-write of the order's row, which two concurrent calls for one
 * order would corrupt (one's update lost) without the lock. The lock is per order: calls for
 * different orders run in parallel.
 */
@Service
public class OrderService {
  private final OrderStore store;

  OrderService(OrderStore store) {
    this.store = store;
  }

  /**
   * Adds one item to order {@code orderId} under the lock {@code orders:<id>}, held until the
   * transaction has committed.
   *
   * @throws StaleFenceException if a holder with a larger fencing token wrote the order meanwhile
   */
  @Locked(name = "'orders:' + #orderId", waitTimeout = "10s")
  @Transactional
  public void addItem(long orderId, long priceCents) {
    long fence = Locks.currentLease().fencingToken();
    OrderStore.Order order = store.read(orderId);
    if (!store.write(orderId, order.items() + 1, order.totalCents() + priceCents, fence)) {
      throw new StaleFenceException(orderId, fence);
    }
  }

  /** A write refused because the order was written with a larger fencing token. */
  public static final class StaleFenceException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    StaleFenceException(long orderId, long fence) {
      super(
          "order "
              + orderId
              + ": write with fencing token "
              + fence
              + " refused, a newer holder wrote it");
    }
  }
}
