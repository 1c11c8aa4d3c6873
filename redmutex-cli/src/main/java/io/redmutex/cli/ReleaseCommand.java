package io.redmutex.cli;

import io.redmutex.LockInfo;
import io.redmutex.RedMutex;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code redmutex release --force NAME}: break a stuck lock, for operators. */
@Command(
    name = "release",
    mixinStandardHelpOptions = true,
    header = "Break a stuck lock (requires --force).",
    description = {
      "Breaks lock NAME whoever holds it, wakes its waiters, and prints what it broke. Refuses"
          + " without --force: the holder is not stopped; it learns of the loss only at its next"
          + " renewal (a third of its lease time), and until then it may still write. Safe for"
          + " the protected resource only if that checks fencing tokens.",
      "",
      "Look first: redmutex status NAME.",
      ""
    },
    footerHeading = "%nExamples:%n",
    footer = {"  redmutex status nightly && redmutex release --force nightly"})
final class ReleaseCommand implements Callable<Integer> {
  @ParentCommand private RedmutexCommand root;
  @Spec private CommandSpec spec;

  @Option(names = "--force", description = "Required: yes, break the lock whoever holds it.")
  private boolean force;

  @Parameters(paramLabel = "NAME", description = "The lock to break.")
  private String name;

  @Override
  public Integer call() {
    root.checkName(spec.commandLine(), name);
    if (!force) {
      throw new ParameterException(
          spec.commandLine(),
          "refusing to break lock '"
              + name
              + "' without --force: its holder keeps running until its next renewal"
              + " (see 'redmutex status "
              + name
              + "')");
    }
    try (RedMutex mutex = root.connect(root.target(), "redmutex-cli", null)) {
      Optional<LockInfo> broken = mutex.forceRelease(name);
      System.out.println(
          broken
              .map(ReleaseCommand::describe)
              .orElse("lock '" + name + "' was free: nothing to break"));
      return ExitCodes.OK;
    }
  }

  private static String describe(LockInfo lock) {
    StringBuilder text = new StringBuilder("broke lock '").append(lock.name()).append("'");
    text.append(": it was held by ").append(lock.holder().orElse("a non-redmutex client"));
    lock.since()
        .ifPresent(
            s ->
                text.append(" since ")
                    .append(
                        DateTimeFormatter.ISO_INSTANT.format(s.truncatedTo(ChronoUnit.SECONDS))));
    if (lock.fencingToken() > 0) {
      text.append(", fencing token ").append(lock.fencingToken());
    }
    lock.remaining()
        .ifPresent(r -> text.append(", ").append(HumanDurations.format(r)).append(" left"));
    text.append("; ").append(lock.waitingClients()).append(" waiting client(s) were woken");
    return text.toString();
  }
}
