package io.redmutex;

import io.redmutex.internal.CountingDriver;
import java.util.concurrent.atomic.AtomicReference;

/** What tests in other packages may see of a client's insides: signals and its own commands. */
public final class Internals {
  private Internals() {}

  /** How many acquires of {@code client} wait parked for lock {@code name}. */
  public static int parkedWaiters(RedMutex client, String name) {
    return client.engine().parkedWaiters(name);
  }

  /** How many acquires of {@code client} wait parked for semaphore {@code name}. */
  public static int parkedSemaphoreWaiters(RedMutex client, String name) {
    return client.permitEngine().parkedSemaphoreWaiters(name);
  }

  /** How many acquires of {@code client} wait parked for read-write lock {@code name}. */
  public static int parkedReadWriteWaiters(RedMutex client, String name) {
    return client.permitEngine().parkedReadWriteWaiters(name);
  }

  /** Counts in {@code calls} every script the client built from {@code builder} sends. */
  @SuppressWarnings("exports") // test sources, on the class path: the module is not in play
  public static RedMutex.Builder countScripts(
      RedMutex.Builder builder, CountingDriver.Calls calls) {
    return builder.driverDecorator(real -> new CountingDriver(real, calls));
  }

  /** Builds a client whose driver a test can count and tap (see {@link CountingDriver#tap}). */
  @SuppressWarnings("exports")
  public static RedMutex tappedClient(
      RedMutex.Builder builder, AtomicReference<CountingDriver> driver) {
    return tapScripts(builder, driver).build();
  }

  /** As {@link #tappedClient}, for a builder built elsewhere. */
  @SuppressWarnings("exports")
  public static RedMutex.Builder tapScripts(
      RedMutex.Builder builder, AtomicReference<CountingDriver> driver) {
    return builder.driverDecorator(
        real -> {
          driver.set(new CountingDriver(real, new CountingDriver.Calls()));
          return driver.get();
        });
  }
}
