package io.redmutex.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The order in which a {@link PubSubLink} sends its (un)subscriptions. */
class PubSubLinkTest {
  private final List<String> sent = new CopyOnWriteArrayList<>();
  private final PubSubLink<String> link =
      new PubSubLink<>(() -> CompletableFuture.completedFuture("connection"));

  /**
   * An operation is sent only once the one before it was answered. Sending it at once is not enough
   * for order: Lettuce writes a command at once when called on the connection's own I/O thread, but
   * queues it behind that thread's tasks when called from another thread. So an UNSUBSCRIBE sent
   * from a user thread could reach Redis after a SUBSCRIBE of the same channel sent a moment later
   * from the I/O thread (a take's answer parking a waiter): the channel's waiters then heard no
   * release until their fallback timers, the lease time later.
   */
  @Test
  void anOperation_isSentOnlyOnceTheOneBeforeItWasAnswered() {
    CompletableFuture<Void> unsubscribed = new CompletableFuture<>();
    CompletableFuture<Void> first = link.run(c -> send("UNSUBSCRIBE x", unsubscribed));
    CompletableFuture<Void> second = link.run(c -> send("SUBSCRIBE x", done()));

    assertThat(sent).containsExactly("UNSUBSCRIBE x");
    assertThat(second).isNotDone();

    unsubscribed.complete(null);

    assertThat(sent).containsExactly("UNSUBSCRIBE x", "SUBSCRIBE x");
    assertThat(first).isDone();
    assertThat(second).isDone();
  }

  /** A failed operation does not hold the next one back, nor fail it. */
  @Test
  void aFailedOperation_letsTheNextOneGo() {
    CompletableFuture<Void> failing = new CompletableFuture<>();
    CompletableFuture<Void> first = link.run(c -> send("SUBSCRIBE x", failing));
    CompletableFuture<Void> second = link.run(c -> send("SUBSCRIBE y", done()));

    failing.completeExceptionally(new IllegalStateException("timed out"));

    assertThat(first).isCompletedExceptionally();
    assertThat(second).isCompleted();
    assertThat(sent).containsExactly("SUBSCRIBE x", "SUBSCRIBE y");
  }

  private CompletableFuture<Void> send(String command, CompletableFuture<Void> answer) {
    sent.add(command);
    return answer;
  }

  private static CompletableFuture<Void> done() {
    return CompletableFuture.completedFuture(null);
  }
}
