package io.redmutex.cli;

/**
 * Every exit status {@code redmutex} uses. {@code run} otherwise exits with its command's status,
 * so a command's own 1..5 cannot be told apart from these: pick {@code --conflict-exit-code} to
 * suit the script.
 */
final class ExitCodes {
  private ExitCodes() {}

  /** Done; for {@code run}, the command exited 0. */
  static final int OK = 0;

  /** {@code run}: the lock stayed busy for the whole {@code --wait} (default; see {@code -E}). */
  static final int CONFLICT = 1;

  /** Bad command line or option value; the usage line follows the message. */
  static final int USAGE = 2;

  /** Redis cannot be reached, refused the password, names no such master, or did not answer. */
  static final int REDIS_UNAVAILABLE = 3;

  /** {@code run}: the lease was lost while the command ran; the command was terminated. */
  static final int LEASE_LOST = 4;

  /** Something else failed; the message says what ({@code --verbose} adds the stack trace). */
  static final int FAILURE = 5;

  /** {@code run}: the command exists but cannot be executed (like a shell). */
  static final int CANNOT_EXECUTE = 126;

  /** {@code run}: the command was not found (like a shell). */
  static final int NOT_FOUND = 127;

  /** The table shown by {@code --help}: status, then meaning. */
  static final String[] HELP = {
    "0:the command succeeded; for run, the command exited 0",
    "1:run: the lock stayed busy for the whole --wait (change with -E/--conflict-exit-code)",
    "2:usage error (bad option, missing argument, release without --force)",
    "3:Redis unreachable, password refused, unknown master, or no answer in time",
    "4:run: the lease was lost while the command ran; the command was sent SIGTERM",
    "5:another failure; the message says which (--verbose adds the stack trace)",
    "126/127:run: the command cannot be executed / was not found",
    "N:run: otherwise the command's own exit status (128+S if it died of signal S)",
    "129/143:redmutex itself got SIGHUP/SIGTERM; the command was stopped, the lock released",
    "130:run: SIGINT before the command started (a SIGINT while it runs is the command's)",
  };

  /** The table of the commands other than {@code run}. */
  static final String[] HELP_OTHERS = {
    "0:done (status: whether held or free; see --json)",
    "2:usage error (bad option, missing argument, release without --force)",
    "3:Redis unreachable, password refused, unknown master, wrong node, or no answer in time",
    "5:another failure; the message says which (--verbose adds the stack trace)",
  };
}
