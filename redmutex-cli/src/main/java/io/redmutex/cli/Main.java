package io.redmutex.cli;

/**
 * The {@code redmutex} command: {@code run} (flock for a fleet), {@code status}, {@code list},
 * {@code release --force} and {@code demo}. See {@code docs/cli.md}, or {@code redmutex --help}.
 */
public final class Main {
  private Main() {}

  /**
   * Runs the command and exits with its status.
   *
   * @param args the command line, as {@code redmutex --help} describes it
   */
  public static void main(String[] args) {
    System.exit(RedmutexCommand.commandLine().execute(args));
  }
}
