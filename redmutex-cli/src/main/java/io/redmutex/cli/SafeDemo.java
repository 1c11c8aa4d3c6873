package io.redmutex.cli;

import io.lettuce.core.api.sync.RedisCommands;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code redmutex demo}: workers contend for a few locks while they update fenced account balances;
 * at the end every balance must equal 10 times the deposits acknowledged on it.
 */
final class SafeDemo {
  private final RedmutexCommand root;
  private final DemoRedis redis;
  private final int workerCount;
  private final int accountCount;
  private final Duration duration;
  private final PrintStream out;

  SafeDemo(
      RedmutexCommand root,
      DemoRedis redis,
      int workerCount,
      int accountCount,
      Duration duration,
      PrintStream out) {
    this.root = root;
    this.redis = redis;
    this.workerCount = workerCount;
    this.accountCount = accountCount;
    this.duration = duration;
    this.out = out;
  }

  int run() throws InterruptedException {
    List<DemoAccount> accounts = new ArrayList<>();
    List<DemoStats> stats = new ArrayList<>();
    for (int i = 1; i <= accountCount; i++) {
      String lock = redis.key("account:" + i);
      accounts.add(new DemoAccount("account " + i, lock, lock + ":balance"));
      stats.add(new DemoStats());
    }
    out.printf(
        "%d workers, each with its own RedMutex client, deposit %d at a time into %d accounts"
            + " for %s.%n"
            + "A deposit: take the account's lock, read the balance and write balance + %d, both"
            + " with the lease's%n"
            + "fencing token (the account refuses a token older than the newest it has seen),"
            + " give the lock back.%n%n",
        workerCount,
        DemoWorker.AMOUNT,
        accountCount,
        HumanDurations.format(duration),
        DemoWorker.AMOUNT);
    out.flush();
    long start = System.nanoTime();
    try (DemoWorkers team =
            DemoWorkers.start(
                DemoWorker.Protocol.REDMUTEX,
                workerCount,
                accounts,
                stats,
                Duration.ofSeconds(30),
                root,
                redis);
        DemoProgress progress = DemoProgress.start(() -> progressLine(stats, start))) {
      Thread.sleep(duration.toMillis()); // the demo's running time: nothing to wait for but that
    }
    return report(accounts, stats);
  }

  private String progressLine(List<DemoStats> stats, long start) {
    long deposits = stats.stream().mapToLong(DemoStats::deposits).sum();
    long rejections = stats.stream().mapToLong(DemoStats::rejections).sum();
    return String.format(
        "  %s of %s  deposits %d  wait p50 %s  fencing rejections %d",
        HumanDurations.format(Duration.ofNanos(System.nanoTime() - start)),
        HumanDurations.format(duration),
        deposits,
        HumanDurations.format(DemoStats.waitPercentile(stats, 50)),
        rejections);
  }

  private int report(List<DemoAccount> accounts, List<DemoStats> stats) {
    RedisCommands<String, String> commands = redis.connect();
    List<String[]> rows = new ArrayList<>();
    rows.add(
        new String[] {
          "", "acquisitions", "wait p50", "wait p99", "fencing rejections", "balance", "expected"
        });
    long balance = 0;
    long expected = 0;
    long acquisitions = 0;
    long rejections = 0;
    for (int i = 0; i < accounts.size(); i++) {
      DemoStats s = stats.get(i);
      long b = accounts.get(i).balance(commands);
      long e = s.deposits() * DemoWorker.AMOUNT;
      rows.add(
          new String[] {
            accounts.get(i).label(),
            Integer.toString(s.acquisitions()),
            HumanDurations.format(s.waitPercentile(50)),
            HumanDurations.format(s.waitPercentile(99)),
            Long.toString(s.rejections()),
            Long.toString(b),
            Long.toString(e)
          });
      balance += b;
      expected += e;
      acquisitions += s.acquisitions();
      rejections += s.rejections();
    }
    rows.add(
        new String[] {
          "all",
          Long.toString(acquisitions),
          HumanDurations.format(DemoStats.waitPercentile(stats, 50)),
          HumanDurations.format(DemoStats.waitPercentile(stats, 99)),
          Long.toString(rejections),
          Long.toString(balance),
          Long.toString(expected)
        });
    out.print(Table.render(rows));
    out.println();
    if (balance == expected) {
      out.printf(
          "final balance %d = expected %d: every acknowledged deposit landed, exactly once%n",
          balance, expected);
      out.println("Next: redmutex demo --unsafe   (what the plain SET NX + DEL pattern loses)");
      return ExitCodes.OK;
    }
    out.printf("final balance %d != expected %d: updates were lost%n", balance, expected);
    return ExitCodes.FAILURE;
  }
}
