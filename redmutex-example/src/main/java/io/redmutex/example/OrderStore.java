package io.redmutex.example;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The orders table: reads, and fenced writes that a smaller fencing token than the row's cannot
 * make.
 */
@Repository
public class OrderStore {
  /** One order's row. */
  public record Order(long id, int items, long totalCents, long fence) {}

  private final JdbcClient jdbc;

  OrderStore(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  void create(long id) {
    jdbc.sql("INSERT INTO orders (id, items, total_cents, fence) VALUES (?, 0, 0, 0)")
        .param(id)
        .update();
  }

  Order read(long id) {
    return jdbc.sql("SELECT id, items, total_cents, fence FROM orders WHERE id = ?")
        .param(id)
        .query(Order.class)
        .single();
  }

  /**
   * Writes the order's new state, if {@code fence} is larger than every token that wrote it before.
   *
   * @return false if the write was refused: a holder with a larger token has written since
   */
  boolean write(long id, int items, long totalCents, long fence) {
    return jdbc.sql(
                "UPDATE orders SET items = ?, total_cents = ?, fence = ? WHERE id = ? AND fence < ?")
            .params(items, totalCents, fence, id, fence)
            .update()
        == 1;
  }

  long totalCents() {
    return jdbc.sql("SELECT COALESCE(SUM(total_cents), 0) FROM orders").query(Long.class).single();
  }

  void report(int run, long ordersTotal, long fence) {
    jdbc.sql("INSERT INTO reports (run, orders_total, fence) VALUES (?, ?, ?)")
        .params(run, ordersTotal, fence)
        .update();
  }
}
