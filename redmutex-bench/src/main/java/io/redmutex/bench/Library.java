package io.redmutex.bench;

import java.util.List;

/**
 * One lock library under test, as every scenario sees it: open a client, take a named lock (waiting
 * as long as it takes), give it back. Adapters use each library's ordinary blocking API, configured
 * as its documentation suggests for a single Redis server.
 */
interface Library {

  /**
   * The id in reports: redmutex, redisson, spring-integration, spring-integration-pubsub, floor.
   */
  String id();

  /** How the library is configured, in one line, for the report. */
  String configuration();

  /**
   * Anything the library did during the run that a reader of the figures should know (e.g. failures
   * that the adapter retried), one sentence each; empty if nothing.
   */
  default List<String> notes() {
    return List.of();
  }

  /**
   * Opens one client (what an application would create once) on {@code redis}, its connections
   * named {@code clientName} where the library allows, so that {@code CLIENT LIST} tells them
   * apart.
   */
  Client open(RedisTarget redis, String clientName);

  /** One client of the library; thread-safe. */
  interface Client extends AutoCloseable {

    /**
     * Takes lock {@code name}, waiting until it is free. Thread-owned libraries must be released by
     * the thread that took the lock; every scenario does so.
     *
     * @throws RuntimeException whatever the library throws when it cannot take the lock
     */
    Held acquire(String name);

    /** Gives back what the client holds and closes its connections and threads. */
    @Override
    void close();
  }

  /** A lock held through {@link Client#acquire}. */
  @FunctionalInterface
  interface Held {
    /** Gives the lock back; throws if the library reports that it had been lost. */
    void release();
  }
}
