package io.redmutex.cli;

import io.redmutex.RedisUnavailableException;
import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Turns failures into one line on stderr and an {@linkplain ExitCodes exit status}: usage errors
 * add the usage line; a stack trace only with {@code --verbose}; never a password.
 */
final class ErrorReporter implements IParameterExceptionHandler, IExecutionExceptionHandler {
  private final RedmutexCommand root;

  ErrorReporter(RedmutexCommand root) {
    this.root = root;
  }

  @Override
  public int handleParseException(ParameterException e, String[] args) {
    if (e instanceof UnmatchedArgumentException unmatched
        && e.getCommandLine().getParent() == null
        && !unmatched.getUnmatched().isEmpty()
        && !unmatched.getUnmatched().get(0).startsWith("-")) {
      return usage(
          e.getCommandLine(),
          "unknown command '"
              + unmatched.getUnmatched().get(0)
              + "': use one of run, status, list, release, dashboard, demo");
    }
    return usage(e.getCommandLine(), e.getMessage());
  }

  @Override
  public int handleExecutionException(Exception e, CommandLine command, ParseResult parsed) {
    if (e instanceof ParameterException usage) {
      return usage(usage.getCommandLine(), usage.getMessage());
    }
    PrintWriter err = command.getErr();
    if (e instanceof IllegalArgumentException) {
      int status = usage(command, e.getMessage() + uriSource(e.getMessage()));
      stackTrace(err, e);
      return status;
    }
    int status;
    String message;
    String wrongType = wrongType(e.getMessage());
    if (wrongType != null) {
      status = ExitCodes.FAILURE;
      message = wrongType;
    } else if (e instanceof RedisUnavailableException) {
      status = ExitCodes.REDIS_UNAVAILABLE;
      message = oneLine(e.getMessage()) + authHint(e.getMessage()) + protocolHint(e.getMessage());
    } else if (protocolHint(e.getMessage()).isEmpty()) {
      status = ExitCodes.FAILURE;
      message =
          "unexpected failure: "
              + e
              + (root.verbose() ? "" : " (run with --verbose for the stack trace)");
    } else {
      status = ExitCodes.REDIS_UNAVAILABLE;
      message = oneLine(e.getMessage()) + protocolHint(e.getMessage());
    }
    err.println("redmutex: " + root.scrub(message));
    stackTrace(err, e);
    err.flush();
    return status;
  }

  /** After "authentication failed": where the password comes from, or that none was given. */
  private String authHint(String message) {
    if (message == null || !message.startsWith("authentication failed")) {
      return "";
    }
    RedisTarget target = root.target();
    return target.password() == null
        ? " (no password given: set $" + RedisTarget.PASSWORD_ENV + " or put it in the URI)"
        : " (password from " + target.source() + ")";
  }

  /** After a bad URI taken from the environment: where it came from. */
  private String uriSource(String message) {
    if (message == null || !message.contains("URI")) {
      return "";
    }
    String source = root.target().source();
    return source.startsWith(RedisTarget.URI_ENV) ? " (from $" + source + ")" : "";
  }

  /** Lettuce's multi-line "Details:" block, as one line. */
  private static String oneLine(String message) {
    if (message == null) {
      return "null";
    }
    return message
        .replaceAll("\\s*\\n\\s*Details:\\s*", ": ")
        .replaceAll("\\s*\\n\\s*", "; ")
        .strip();
  }

  /**
   * What an answer in another protocol, or none over TLS, or a non-cluster node, most likely is.
   */
  private String protocolHint(String message) {
    if (message == null) {
      return "";
    }
    if (message.contains("Invalid first byte")) {
      return " (that port does not speak the Redis protocol: is it HTTP or another service?)";
    }
    if (message.contains("cluster support disabled")) {
      return " (this Redis is not a cluster node: use redis:// or redis-sentinel://)";
    }
    boolean tls = root.target().uri().regionMatches(true, 0, "rediss", 0, 6);
    if (tls
        && (message.contains("timed out")
            || message.contains("SSL")
            || message.contains("did not answer"))) {
      return " (rediss:// speaks TLS: is TLS enabled on that port? Use redis:// for a plain one)";
    }
    return "";
  }

  /** A key of another type than a string where a lock was expected: no lock, not an outage. */
  private static String wrongType(String message) {
    if (message == null || !message.contains("WRONGTYPE")) {
      return null;
    }
    java.util.regex.Matcher lock = java.util.regex.Pattern.compile("lock '(.*?)'").matcher(message);
    String name = lock.find() ? "'" + lock.group(1) + "' " : "";
    return "key "
        + name
        + "is not a lock: it holds another type than a string (Redis answered WRONGTYPE)";
  }

  private int usage(CommandLine command, String message) {
    PrintWriter err = command.getErr();
    CommandLine.Help help = command.getHelp();
    err.println("redmutex: " + root.scrub(message));
    err.print(help.synopsisHeading() + help.synopsis(help.synopsisHeading().length()));
    err.println(
        "Try '" + command.getCommandSpec().qualifiedName() + " --help' for more information.");
    err.flush();
    return ExitCodes.USAGE;
  }

  private void stackTrace(PrintWriter err, Exception e) {
    if (root.verbose()) {
      StringWriter trace = new StringWriter();
      e.printStackTrace(new PrintWriter(trace));
      err.print(root.scrub(trace.toString()));
    }
  }
}
