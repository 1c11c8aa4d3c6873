package io.redmutex.internal;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandInterruptedException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;
import io.redmutex.RedisUnavailableException;
import java.io.IOException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/** Classifies what Lettuce throws into what redmutex reports. */
final class Failures {
  private Failures() {}

  /** Server errors that a failover or a restart produces for a while, then stop producing. */
  private static final String[] TRANSIENT_ERRORS = {
    "READONLY", "LOADING", "MASTERDOWN", "TRYAGAIN", "CLUSTERDOWN", "BUSY", "MOVED", "ASK"
  };

  static Throwable unwrap(Throwable e) {
    Throwable t = e;
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /**
   * Whether the command may or may not have run (timeout, lost connection): its outcome is unknown,
   * and trying again later may succeed.
   */
  static boolean isTransient(Throwable e) {
    Throwable t = unwrap(e);
    if (t instanceof RedisCommandExecutionException) {
      String message = String.valueOf(t.getMessage());
      for (String prefix : TRANSIENT_ERRORS) {
        if (message.startsWith(prefix)) {
          return true;
        }
      }
      return false;
    }
    return t instanceof RedisCommandTimeoutException
        || t instanceof RedisConnectionException
        || t instanceof RedisCommandInterruptedException
        || t instanceof TimeoutException
        || t instanceof CancellationException // its connection was closed under it (failover)
        || t instanceof IOException
        || t instanceof RedisException; // "Connection closed", "Connection disconnected", ...
  }

  static boolean isAuthFailure(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String message = String.valueOf(t.getMessage());
      if (message.contains("WRONGPASS")
          || message.contains("NOAUTH")
          || message.contains("invalid password")
          || message.contains("invalid username-password")) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

  /** Whether a connect failed without saying why (the handshake was cut short). */
  static boolean isInconclusive(Throwable e) {
    String message = rootMessage(e);
    return message.contains("closed prematurely")
        || message.contains("HandshakeHandler not registered")
        || message.contains("Connection closed");
  }

  /** The innermost message, which usually names the actual cause ("Connection refused"). */
  static String rootMessage(Throwable e) {
    Throwable t = unwrap(e);
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String message = t.getMessage();
    return message == null ? t.getClass().getSimpleName() : message;
  }

  static RedisUnavailableException connectFailure(String server, Throwable e) {
    if (isAuthFailure(e)) {
      return new RedisUnavailableException(
          "authentication failed for Redis at " + server + ": " + rootMessage(e), e);
    }
    return new RedisUnavailableException(
        "cannot connect to Redis at " + server + ": " + rootMessage(e), e);
  }

  /**
   * Calls a driver operation; an exception it throws instead of failing its future (a bug, or a
   * topology with no node for the key) becomes a failed future, so that no caller on an I/O or
   * timer thread is left without an outcome (issue 9, finding 7).
   */
  static <T> CompletableFuture<T> call(Supplier<CompletableFuture<T>> operation) {
    try {
      return operation.get();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }
}
