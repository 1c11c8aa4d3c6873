package io.redmutex;

import java.time.Duration;

/**
 * One holder of a semaphore's permit or of a read-write lock, as Redis has it now.
 *
 * @param holder who holds it ({@code clientName on host pid N})
 * @param writer whether it is a read-write lock's writer (false for readers and permits)
 * @param remaining the time left of its lease, unless renewed
 */
public record PermitHolder(String holder, boolean writer, Duration remaining) {}
