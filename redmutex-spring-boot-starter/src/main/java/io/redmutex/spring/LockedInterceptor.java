package io.redmutex.spring;

import io.redmutex.Lease;
import io.redmutex.LockException;
import io.redmutex.LockLostException;
import io.redmutex.LockTimeoutException;
import io.redmutex.RedMutex;
import io.redmutex.RedisUnavailableException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.ObjectProvider;

/**
 * The advice of {@link Locked} methods: take the lease, run the method with the lease {@linkplain
 * Locks#currentLease() current}, give the lease back when the method (or the stage it returns)
 * completes.
 */
final class LockedInterceptor implements MethodInterceptor {
  private static final Logger log = LoggerFactory.getLogger(LockedInterceptor.class);

  /** Gives back the leases of methods returning a stage; idle threads end after a minute. */
  private static final Executor RELEASES =
      Executors.newCachedThreadPool(
          task -> {
            Thread thread = new Thread(task, "redmutex-locked-release");
            thread.setDaemon(true);
            return thread;
          });

  private final ObjectProvider<RedMutex> mutex;
  private final LockedMethods methods;
  private final InFlightWork inFlight;
  private final ObjectProvider<LockedObserver> observer;

  LockedInterceptor(
      ObjectProvider<RedMutex> mutex,
      LockedMethods methods,
      InFlightWork inFlight,
      ObjectProvider<LockedObserver> observer) {
    this.mutex = mutex;
    this.methods = methods;
    this.inFlight = inFlight;
    this.observer = observer;
  }

  @Override
  public Object invoke(MethodInvocation invocation) throws Throwable {
    Object target = invocation.getThis();
    Class<?> targetClass = target == null ? null : AopUtils.getTargetClass(target);
    Optional<LockedMethod> found = methods.find(invocation.getMethod(), targetClass);
    if (found.isEmpty()) {
      return invocation.proceed();
    }
    LockedMethod method = found.get();
    String name = method.lockName(target, invocation.getArguments());
    LockedObserver.Call call =
        observer.getIfAvailable(() -> LockedObserver.NONE).start(method, name);
    inFlight.enter();
    Lease lease;
    try {
      lease = mutex.getObject().acquire(name, method.waitTimeout());
    } catch (LockTimeoutException busy) {
      inFlight.exit();
      boolean skip = method.onBusy() == Locked.OnBusy.SKIP;
      call.notAcquired(busy, skip);
      if (skip) {
        log.debug("{}: lock '{}' busy, skipped: {}", method.description(), name, busy.getMessage());
        return method.skipped();
      }
      return fail(method, busy);
    } catch (RuntimeException | Error e) {
      inFlight.exit();
      call.notAcquired(e, false);
      return fail(method, e);
    }
    Object result;
    try {
      call.acquired(lease);
      Locks.bind(lease);
      try {
        result = invocation.proceed();
      } finally {
        Locks.unbind();
        call.methodReturned();
      }
    } catch (Throwable failure) {
      release(method, lease, failure, call);
      throw failure;
    }
    if (method.returns().isStage() && result instanceof CompletionStage<?> stage) {
      return holdUntilComplete(method, lease, stage, call);
    }
    release(method, lease, null, call);
    return result;
  }

  /** Throws {@code e}, or for a method returning a stage returns a stage failed with it. */
  private static Object fail(LockedMethod method, Throwable e) {
    if (method.returns().isStage()) {
      return CompletableFuture.failedFuture(e);
    }
    if (e instanceof RuntimeException runtime) {
      throw runtime;
    }
    throw (Error) e;
  }

  /**
   * A stage that completes like {@code stage}, once the lease is given back. The release (a Redis
   * round trip) runs on a thread of {@link #RELEASES}, never on the thread completing {@code stage}
   * (which may be an I/O thread), nor on the common pool (which may have a single thread).
   */
  private Object holdUntilComplete(
      LockedMethod method, Lease lease, CompletionStage<?> stage, LockedObserver.Call call) {
    CompletableFuture<Object> done = new CompletableFuture<>();
    stage.whenCompleteAsync(
        (value, failure) -> {
          try {
            release(method, lease, failure, call);
          } catch (RuntimeException releaseFailure) {
            done.completeExceptionally(releaseFailure);
            return;
          }
          if (failure != null) {
            done.completeExceptionally(failure);
          } else {
            done.complete(value);
          }
        },
        RELEASES);
    return done;
  }

  /**
   * Gives the lease back. A lease found lost is reported to the caller ({@link LockLostException}:
   * the method's work may have overlapped with another holder), as a suppressed exception if the
   * method failed too. A release Redis could not confirm is logged: the key expires on its own.
   */
  private void release(
      LockedMethod method, Lease lease, Throwable failure, LockedObserver.Call call) {
    try {
      lease.release();
      call.released(null);
    } catch (RedisUnavailableException e) {
      call.released(e);
      log.warn(
          "{}: the release of lock '{}' was not confirmed by Redis; its key expires on its own"
              + " within the lease time: {}",
          method.description(),
          lease.name(),
          e.getMessage());
    } catch (LockException e) {
      call.released(e);
      if (failure != null) {
        failure.addSuppressed(e);
      } else {
        throw e;
      }
    } finally {
      inFlight.exit();
    }
  }
}
