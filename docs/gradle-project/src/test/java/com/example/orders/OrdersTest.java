package com.example.orders;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.redmutex.testkit.RedisServer;
import org.junit.jupiter.api.Test;

class OrdersTest {
  @Test
  void charges_takeTheLock_withIncreasingTokens() {
    try (RedisServer redis = RedisServer.start();
        Orders orders = new Orders(redis.uri())) {
      long first = orders.charge(42);
      long second = orders.charge(42);
      assertTrue(second > first, "tokens increase: " + first + " then " + second);
    }
  }
}
