package io.redmutex.kotlin.example

import io.redmutex.Lease
import io.redmutex.RedMutex
import java.time.Duration
import kotlinx.coroutines.future.await

/**
 * Takes lock [name], suspending (not blocking a thread) for up to [waitTimeout] while another owner
 * holds it. Built on [RedMutex.acquireAsync]: cancelling the coroutine cancels the future, which
 * stops the wait and leaves nothing held.
 *
 * @throws io.redmutex.LockTimeoutException if the lock stayed held for the whole wait
 */
suspend fun RedMutex.acquireSuspending(name: String, waitTimeout: Duration): Lease =
    acquireAsync(name, waitTimeout).await()

/**
 * Runs [block] while holding lock [name], and gives the lock back when it returns or throws
 * (`use {}` on the [Lease], an [AutoCloseable]).
 */
suspend fun <T> RedMutex.withLock(
    name: String,
    waitTimeout: Duration,
    block: suspend (Lease) -> T,
): T = acquireSuspending(name, waitTimeout).use { lease -> block(lease) }
