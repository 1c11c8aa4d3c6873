package io.redmutex.internal;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisScriptingAsyncCommands;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The wire protocol's operations as one script call each, over any Lettuce connection that runs
 * scripts (standalone, Sentinel-resolved master, or cluster: Lettuce routes a script by its first
 * key). EVALSHA first; on NOSCRIPT (after SCRIPT FLUSH, a restart or a failover) EVAL, which also
 * caches the script again.
 */
final class LockScripts {

  private final Supplier<RedisScriptingAsyncCommands<String, String>> commands;
  private final String publish;
  private final FenceRecords records;
  private volatile boolean resent; // an EVALSHA answered NOSCRIPT and was sent again as EVAL

  /**
   * @param commands the connection to run on, asked afresh for every call (it may be replaced)
   * @param shardedPubSub whether releases announce with SPUBLISH (Redis 7+ cluster) not PUBLISH
   * @param records where the last fencing tokens are: one record, or one per cluster slot
   */
  LockScripts(
      Supplier<RedisScriptingAsyncCommands<String, String>> commands,
      boolean shardedPubSub,
      FenceRecords records) {
    this.commands = commands;
    this.publish = shardedPubSub ? "SPUBLISH" : "PUBLISH";
    this.records = records;
  }

  /**
   * Whether a script was sent again as EVAL after NOSCRIPT: its write then went out after anything
   * pipelined behind the EVALSHA (a WAIT, for one).
   */
  boolean resent() {
    return resent;
  }

  CompletableFuture<TakeResult> take(LockKeys keys, String token, long leaseMillis, Taker taker) {
    return this.<List<Long>>eval(
            Script.TAKE,
            ScriptOutputType.MULTI,
            new String[] {keys.key(), records.of(keys.key()), keys.waitersKey(), keys.v1FenceKey()},
            token,
            Long.toString(leaseMillis),
            taker.description(),
            taker.clientId())
        .thenApply(
            reply ->
                reply.get(0) == 1L
                    ? TakeResult.acquired(reply.get(1), reply.size() > 2 && reply.get(2) == 1L)
                    : TakeResult.busy(reply.get(1), reply.size() > 2 && reply.get(2) == 1L));
  }

  CompletableFuture<TakeResult> handOff(
      LockKeys keys, String from, long lastFencingToken, String to, long leaseMillis, Taker taker) {
    return this.<List<Long>>eval(
            Script.HAND_OFF,
            ScriptOutputType.MULTI,
            new String[] {keys.key(), records.of(keys.key()), keys.waitersKey()},
            from,
            to,
            Long.toString(leaseMillis),
            taker.description(),
            taker.clientId(),
            Long.toString(lastFencingToken))
        .thenApply(
            reply ->
                reply.get(0) == 1L
                    ? TakeResult.handedOff(
                        reply.get(1), reply.get(2), reply.size() > 3 && reply.get(3) == 1L)
                    : TakeResult.busy(0, true));
  }

  CompletableFuture<Boolean> release(LockKeys keys, String token, long lastFencingToken) {
    return this.<Long>eval(
            Script.RELEASE,
            ScriptOutputType.INTEGER,
            new String[] {keys.key(), records.of(keys.key())},
            token,
            keys.channel(),
            publish,
            Long.toString(lastFencingToken))
        .thenApply(deleted -> deleted == 1L);
  }

  CompletableFuture<Boolean> extend(LockKeys keys, String token, long leaseMillis) {
    return this.<Long>eval(
            Script.EXTEND,
            ScriptOutputType.INTEGER,
            new String[] {keys.key()},
            token,
            Long.toString(leaseMillis))
        .thenApply(extended -> extended == 1L);
  }

  CompletableFuture<Boolean> unwait(String waitersKey, String clientId) {
    return this.<Long>eval(
            Script.UNWAIT, ScriptOutputType.INTEGER, new String[] {waitersKey}, clientId)
        .thenApply(removed -> removed == 1L);
  }

  CompletableFuture<List<Object>> inspect(LockKeys keys) {
    return eval(
        Script.INSPECT,
        ScriptOutputType.MULTI,
        new String[] {keys.key(), keys.waitersKey(), keys.v1FenceKey()});
  }

  CompletableFuture<String> breakLock(LockKeys keys, String owner) {
    return eval(
        Script.BREAK,
        ScriptOutputType.VALUE,
        new String[] {keys.key()},
        keys.channel(),
        publish,
        owner);
  }

  /** A semaphore's or read-write lock's script; {@code args} get the publish command appended. */
  CompletableFuture<List<Object>> permits(Script script, List<String> keys, List<String> args) {
    String[] argv = args.toArray(new String[args.size() + 1]);
    argv[args.size()] = publish;
    return eval(script, ScriptOutputType.MULTI, keys.toArray(new String[0]), argv);
  }

  /**
   * Redlock: raises the fence record, and the fencing token in the lock key's value while {@code
   * token} holds it, to {@code fencingToken} if lower ({@code raisefence.lua}); the token the
   * record holds afterwards.
   */
  CompletableFuture<Long> raiseFence(LockKeys keys, String token, long fencingToken) {
    return eval(
        Script.RAISE_FENCE,
        ScriptOutputType.INTEGER,
        new String[] {keys.key(), records.of(keys.key())},
        Long.toString(fencingToken),
        token);
  }

  private <T> CompletableFuture<T> eval(
      Script script, ScriptOutputType type, String[] keys, String... args) {
    RedisScriptingAsyncCommands<String, String> on = commands.get();
    // One stage on the way of an answer (this runs twice per lock operation): the NOSCRIPT resend
    // and the unwrapping of errors happen only when there is an error.
    CompletableFuture<T> sent =
        (script.whole()
                ? on.<T>eval(script.body(), type, keys, args)
                : on.<T>evalsha(script.sha(), type, keys, args))
            .toCompletableFuture();
    return sent.exceptionallyCompose(
        error -> {
          Throwable cause = Failures.unwrap(error);
          if (script.whole() || !(cause instanceof RedisNoScriptException)) {
            return CompletableFuture.failedFuture(cause);
          }
          resent = true;
          return on.<T>eval(script.body(), type, keys, args)
              .toCompletableFuture()
              .exceptionallyCompose(e -> CompletableFuture.failedFuture(Failures.unwrap(e)));
        });
  }
}
