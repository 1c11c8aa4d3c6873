package io.redmutex.chaos;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.redmutex.RedMutex;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A client in a JVM of its own, so that the nemesis can pause the whole process (SIGSTOP), as a GC
 * pause or a frozen VM would. Started by {@link ProcessClients} with {@code key=value} arguments;
 * prints its events as {@link Op#toLine()} lines on stdout, then {@code @ready} once connected and
 * {@code @done} at the end; stops after its current lease when a line {@code stop} (or end of
 * input) arrives on stdin. Bounded by {@code maxIterations} and {@code maxMillis} on its own.
 */
public final class Worker {
  static final String READY = "@ready";
  static final String DONE = "@done";
  static final String ERROR = "@error ";
  static final String STOP = "stop";

  private Worker() {}

  public static void main(String[] args) throws InterruptedException {
    Main.quietLogging();
    Map<String, String> a = new HashMap<>();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      a.put(arg.substring(0, eq), arg.substring(eq + 1));
    }
    PrintStream out =
        new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
    int id = Integer.parseInt(a.get("id"));
    long seed = Long.parseLong(a.get("seed"));
    long maxMillis = Long.parseLong(a.get("maxMillis"));
    Workload workload = Workload.fromArgs(a);
    long deadline = System.nanoTime() + Duration.ofMillis(maxMillis).toNanos();
    AtomicBoolean stop = new AtomicBoolean();
    Thread stdin =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null && !line.trim().equals(STOP)) {
                  // only "stop" means anything
                }
              } catch (IOException e) {
                // the harness went away: stop as well
              }
              stop.set(true);
            },
            "chaos-worker-stdin");
    stdin.setDaemon(true);
    stdin.start();

    RedisURI registerUri = RedisURI.create(a.get("registerUri"));
    registerUri.setTimeout(workload.registerTimeout());
    RedisClient registerClient = RedisClient.create(registerUri);
    try (Register register = new Register(registerClient)) {
      ClientLoop loop =
          new ClientLoop(
              id,
              a.get("lockUri"),
              workload,
              register,
              seed,
              op -> out.println(op.toLine()),
              () -> stop.get() || System.nanoTime() - deadline > 0);
      try (RedMutex mutex = loop.connect()) {
        out.println(READY);
        loop.run(mutex);
      }
    } catch (RuntimeException e) {
      out.println(ERROR + e.toString().replace('\n', ' '));
      e.printStackTrace();
    } finally {
      registerClient.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
    out.println(DONE);
    System.exit(0); // do not wait for Lettuce's non-daemon threads
  }
}
