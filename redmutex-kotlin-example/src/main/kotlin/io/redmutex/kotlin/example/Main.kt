package io.redmutex.kotlin.example

import io.redmutex.RedMutex
import java.time.Duration
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.delay
import kotlinx.coroutines.runBlocking

/**
 * `java -cp ... io.redmutex.kotlin.example.MainKt redis://localhost:6379`: ten coroutines on one
 * thread take turns on one lock, each writing with its fencing token.
 */
fun main(args: Array<String>) {
  val uri = args.firstOrNull() ?: "redis://localhost:6379"
  RedMutex.connect(uri).use { mutex ->
    runBlocking {
      val tokens =
          (1..10)
              .map { worker ->
                async {
                  mutex.withLock("kotlin:orders:42", Duration.ofSeconds(10)) { lease ->
                    delay(10) // suspends while holding: the thread serves the other coroutines
                    println("worker $worker holds ${lease.name()} with token ${lease.fencingToken()}")
                    lease.fencingToken()
                  }
                }
              }
              .awaitAll()
      println("${tokens.size} turns, tokens increasing: ${tokens.sorted().distinct().size == 10}")
    }
  }
}
