package io.redmutex.cli;

import io.redmutex.RedisUnavailableException;
import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

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
    return usage(e.getCommandLine(), e.getMessage());
  }

  @Override
  public int handleExecutionException(Exception e, CommandLine command, ParseResult parsed) {
    if (e instanceof ParameterException usage) {
      return usage(usage.getCommandLine(), usage.getMessage());
    }
    PrintWriter err = command.getErr();
    if (e instanceof IllegalArgumentException) {
      int status = usage(command, e.getMessage());
      stackTrace(err, e);
      return status;
    }
    int status;
    String message;
    if (e instanceof RedisUnavailableException) {
      status = ExitCodes.REDIS_UNAVAILABLE;
      message = e.getMessage() + authHint(e.getMessage());
    } else {
      status = ExitCodes.FAILURE;
      message =
          "unexpected failure: "
              + e
              + (root.verbose() ? "" : " (run with --verbose for the stack trace)");
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
