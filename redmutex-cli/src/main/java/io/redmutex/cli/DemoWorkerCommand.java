package io.redmutex.cli;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.redmutex.Lease;
import io.redmutex.LockLostException;
import io.redmutex.RedMutex;
import io.redmutex.internal.RedisUris;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * The slow worker of {@code demo --unsafe}, in a JVM of its own so that the demo can freeze it
 * whole (SIGSTOP), renewal thread included, like a long GC pause. It takes the lock, reads the
 * balance, says so, and waits for the word {@code go} on stdin (it is frozen meanwhile); then it
 * writes balance + 10 and gives the lock back, reporting each step on stdout as one line. Not for
 * people: hidden from the help.
 */
@Command(name = "demo-worker", hidden = true)
final class DemoWorkerCommand implements Callable<Integer> {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @ParentCommand private RedmutexCommand root;

  @Option(names = "--protocol", required = true)
  private DemoWorker.Protocol protocol;

  @Option(names = "--lock", required = true)
  private String lockName;

  @Option(names = "--account", required = true)
  private String accountKey;

  @Option(names = "--lease", required = true, converter = DurationConverter.class)
  private Duration lease;

  private final PrintStream out = System.out;

  @Override
  public Integer call() throws IOException, InterruptedException {
    DemoAccount account = new DemoAccount("slow", lockName, accountKey);
    RedisTarget target = root.target();
    RedisClient client = RedisClient.create(RedisUris.parse(target.uri(), "redmutex-demo-slow"));
    try (StatefulRedisConnection<String, String> connection = client.connect()) {
      RedisCommands<String, String> redis = connection.sync();
      return protocol == DemoWorker.Protocol.REDMUTEX
          ? withRedmutex(target, redis, account)
          : withSeed(redis, account);
    } finally {
      client.shutdown();
    }
  }

  private int withRedmutex(RedisTarget target, RedisCommands<String, String> redis, DemoAccount a)
      throws IOException {
    try (RedMutex mutex = root.connect(target, "redmutex-demo-slow", lease)) {
      Lease lease = mutex.acquire(a.lockName(), WAIT);
      long balance = a.fencedRead(redis, lease.fencingToken()); // fresh lease: never refused
      say("holding " + lease.fencingToken() + " " + balance);
      awaitGo();
      boolean accepted = a.fencedWrite(redis, balance + DemoWorker.AMOUNT, lease.fencingToken());
      say("wrote " + (accepted ? "accepted" : "rejected"));
      try {
        lease.release();
        say("released own");
      } catch (LockLostException e) {
        say("released lost");
      }
      int deposits = accepted ? 1 : 0;
      if (!accepted) {
        // What a writer whose token was refused should do: take the lock again, read again.
        try (Lease again = mutex.acquire(a.lockName(), WAIT)) {
          Long fresh = a.fencedRead(redis, again.fencingToken());
          boolean ok =
              fresh != null
                  && a.fencedWrite(redis, fresh + DemoWorker.AMOUNT, again.fencingToken());
          say("retried " + (ok ? "accepted" : "rejected"));
          deposits += ok ? 1 : 0;
        }
      }
      say("done " + deposits);
      return ExitCodes.OK;
    }
  }

  private int withSeed(RedisCommands<String, String> redis, DemoAccount a)
      throws IOException, InterruptedException {
    SeedLock lock = new SeedLock(redis, a.lockName(), lease.toMillis());
    lock.take(() -> true);
    long balance = a.balance(redis);
    say("holding 0 " + balance);
    awaitGo();
    a.plainWrite(redis, balance + DemoWorker.AMOUNT);
    say("wrote accepted");
    say("released " + lock.release().name().toLowerCase(Locale.ROOT));
    say("done 1");
    return ExitCodes.OK;
  }

  private void say(String line) {
    out.println(line);
    out.flush();
  }

  /** Blocks until the demo says {@code go}; if the demo is gone (end of input), gives up. */
  private static void awaitGo() throws IOException {
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line = in.readLine();
    if (!"go".equals(line)) {
      throw new IOException("the demo went away before saying go");
    }
  }
}
