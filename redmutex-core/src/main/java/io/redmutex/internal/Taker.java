package io.redmutex.internal;

/**
 * Who takes a lock: one {@code RedMutex} client.
 *
 * @param description what operators see as the holder ({@code clientName on host pid N})
 * @param clientId random and unique per client, so that a lock's waiters can be counted by client
 */
record Taker(String description, String clientId) {}
