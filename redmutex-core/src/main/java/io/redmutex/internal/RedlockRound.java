package io.redmutex.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntFunction;
import java.util.function.Predicate;

/**
 * One operation sent to every Redlock master at once, and its answers as they come in. The round
 * ends as soon as the answers so far decide the outcome (a majority agreed, or no majority can
 * agree any more), so a partitioned master costs no time once the others have answered; its answer
 * still arrives later, to whoever cares ({@link #all()}).
 *
 * @param <T> what one master answers
 */
final class RedlockRound<T> {

  /** One master's answer: a value, or the error its command failed with. */
  record Answer<T>(int node, T value, Throwable error) {
    boolean ok() {
      return error == null;
    }
  }

  private final int nodes;
  private final Predicate<List<Answer<T>>> decided;
  private final List<Answer<T>> answers = new ArrayList<>(); // guarded by this
  private final CompletableFuture<List<Answer<T>>> outcome = new CompletableFuture<>();
  private final CompletableFuture<List<Answer<T>>> all = new CompletableFuture<>();

  private RedlockRound(int nodes, Predicate<List<Answer<T>>> decided) {
    this.nodes = nodes;
    this.decided = decided;
  }

  /**
   * Sends {@code operation} to masters {@code 0..nodes-1}; the outcome completes with the answers
   * in so far once {@code decided} holds for them, or with all of them.
   */
  static <T> RedlockRound<T> send(
      int nodes, IntFunction<CompletableFuture<T>> operation, Predicate<List<Answer<T>>> decided) {
    RedlockRound<T> round = new RedlockRound<>(nodes, decided);
    for (int i = 0; i < nodes; i++) {
      int node = i;
      Failures.call(() -> operation.apply(node))
          .whenComplete(
              (value, error) ->
                  round.answered(
                      new Answer<>(node, value, error == null ? null : Failures.unwrap(error))));
    }
    return round;
  }

  private void answered(Answer<T> answer) {
    List<Answer<T>> soFar;
    boolean last;
    synchronized (this) {
      answers.add(answer);
      soFar = List.copyOf(answers);
      last = soFar.size() == nodes;
    }
    if (!outcome.isDone() && (last || decided.test(soFar))) {
      outcome.complete(soFar);
    }
    if (last) {
      all.complete(soFar);
    }
  }

  /** The answers that decided the outcome (at least those; at most all). */
  CompletableFuture<List<Answer<T>>> outcome() {
    return outcome;
  }

  /** Every master's answer, once the last came in (each is bounded by the command timeout). */
  CompletableFuture<List<Answer<T>>> all() {
    return all;
  }

  static <T> long count(List<Answer<T>> answers, Predicate<Answer<T>> which) {
    return answers.stream().filter(which).count();
  }
}
