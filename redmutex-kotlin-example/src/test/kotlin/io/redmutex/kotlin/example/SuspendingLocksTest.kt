package io.redmutex.kotlin.example

import io.redmutex.LockTimeoutException
import io.redmutex.RedMutex
import io.redmutex.testkit.RedisServer
import java.time.Duration
import java.util.concurrent.atomic.AtomicInteger
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.delay
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeoutOrNull
import kotlinx.coroutines.yield
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.assertThrows

/** The suspending acquire on a real redis-server: exclusion, timeouts, cancellation. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SuspendingLocksTest {
  private lateinit var redis: RedisServer
  private lateinit var mutex: RedMutex

  @BeforeAll
  fun start() {
    redis = RedisServer.start()
    mutex = RedMutex.connect(redis.uri())
  }

  @AfterAll
  fun stop() {
    mutex.close()
    redis.close()
  }

  @Test
  fun coroutinesOnOneThread_takeTurns_withIncreasingTokens() = runBlocking<Unit> {
    val inside = AtomicInteger()
    val tokens =
        (1..8)
            .map {
              async {
                mutex.withLock("kt:turns", Duration.ofSeconds(30)) { lease ->
                  assertEquals(1, inside.incrementAndGet(), "two coroutines inside at once")
                  delay(5)
                  yield()
                  inside.decrementAndGet()
                  lease.fencingToken()
                }
              }
            }
            .awaitAll()
    assertEquals(8, tokens.distinct().size)
  }

  @Test
  fun useOnALease_releasesIt_evenWhenTheBlockThrows() = runBlocking<Unit> {
    assertThrows<IllegalStateException> {
      runBlocking {
        mutex.withLock("kt:throws", Duration.ZERO) { error("the work failed") }
      }
    }
    assertTrue(mutex.tryAcquire("kt:throws").map { it.use { true } }.orElse(false))
  }

  @Test
  fun aBusyLock_timesOut_asLockTimeoutException() = runBlocking<Unit> {
    RedMutex.connect(redis.uri()).use { other ->
      other.acquire("kt:busy", Duration.ZERO).use {
        assertThrows<LockTimeoutException> {
          runBlocking { mutex.acquireSuspending("kt:busy", Duration.ofMillis(50)) }
        }
      }
    }
  }

  @Test
  fun cancellingTheCoroutine_stopsTheWait_andLeavesNothingHeld() = runBlocking<Unit> {
    RedMutex.connect(redis.uri()).use { other ->
      val held = other.acquire("kt:cancel", Duration.ZERO)
      val got = withTimeoutOrNull(100) { mutex.acquireSuspending("kt:cancel", Duration.ofSeconds(30)) }
      assertNull(got)
      held.release()
      // The cancelled wait did not take the lock after its holder let go.
      val lease = other.tryAcquire("kt:cancel")
      assertTrue(lease.isPresent)
      lease.get().release()
      assertFalse(lease.get().isHeld)
    }
  }
}
