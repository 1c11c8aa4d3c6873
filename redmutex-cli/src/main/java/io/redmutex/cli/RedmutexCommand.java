package io.redmutex.cli;

import io.redmutex.RedMutex;
import io.redmutex.internal.LockKeys;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.RunLast;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** The top of the command tree: options every command shares, and how to reach Redis. */
@Command(
    name = "redmutex",
    mixinStandardHelpOptions = true,
    versionProvider = RedmutexCommand.Version.class,
    synopsisSubcommandLabel = "COMMAND",
    subcommands = {
      RunCommand.class,
      StatusCommand.class,
      ListCommand.class,
      ReleaseCommand.class,
      DashboardCommand.class,
      DemoCommand.class,
      DemoWorkerCommand.class,
      HelpCommand.class
    },
    header = "flock(1) for a fleet of machines, and a look inside the locks, on Redis.",
    description = {
      "Locks are redmutex leases (wire protocol v2): the key NAME holds a random token, renewed"
          + " while held; every acquisition gets a fencing token larger than all before it.",
      ""
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  redmutex demo                          # see it work; needs nothing running",
      "  redmutex run nightly -- ./report.sh    # one at a time, across machines",
      "  redmutex run --wait 0s -E 75 backup -- ./backup.sh   # skip if running",
      "  redmutex status nightly --json",
      "  redmutex list 'orders:*'",
      "  redmutex release --force nightly       # break a stuck lock",
      "  redmutex dashboard                     # live page: http://127.0.0.1:8080/",
      "",
      "Environment:",
      "  REDMUTEX_URI    the Redis URI when --redis is not given",
      "  REDIS_PASSWORD  the password, when the URI carries none (never printed)",
      "",
      "More: docs/cli.md, and docs/kubernetes.md for CronJobs on Sentinel."
    })
final class RedmutexCommand implements Callable<Integer> {

  @Spec private CommandSpec spec;

  @Option(
      names = "--redis",
      paramLabel = "URI",
      scope = ScopeType.INHERIT,
      description = {
        "Redis to use: redis://[[user:]password@]host[:port][/db], rediss://... (TLS),"
            + " redis-sentinel://[[user:]password@]host[:port][,host2[:port]][/db]#master (port"
            + " 26379 by default), redis-cluster://[[user:]password@]host:port[,host:port].",
        "Default: $REDMUTEX_URI, else " + RedisTarget.DEFAULT_URI + ".",
        "$REDIS_PASSWORD fills in the password when the URI has none."
      })
  private String redis;

  @Option(
      names = "--key-prefix",
      paramLabel = "PREFIX",
      scope = ScopeType.INHERIT,
      description =
          "Prefix of lock keys, if the services sharing the locks use one (default: none).")
  private String keyPrefix;

  @Option(
      names = "--verbose",
      scope = ScopeType.INHERIT,
      description = "Log what redmutex does, and print the stack trace of a failure.")
  private boolean verbose;

  private RedisTarget target; // resolved once, so that errors can be scrubbed of its password

  /** The command line, with redmutex's error handling, exit codes and logging set up. */
  static CommandLine commandLine() {
    RedmutexCommand root = new RedmutexCommand();
    CommandLine cli = new CommandLine(root);
    ErrorReporter errors = new ErrorReporter(root);
    cli.setParameterExceptionHandler(errors);
    cli.setExecutionExceptionHandler(errors);
    cli.setExecutionStrategy(RedmutexCommand::execute);
    cli.getSubcommands().get("run").setStopAtPositional(true);
    // The whole table at the top and for run; the short one for the others (issue 14).
    applyExitCodes(cli, table(ExitCodes.HELP));
    cli.getSubcommands()
        .forEach(
            (name, sub) ->
                applyExitCodes(
                    sub, table(name.equals("run") ? ExitCodes.HELP : ExitCodes.HELP_OTHERS)));
    return cli;
  }

  private static Map<String, String> table(String[] lines) {
    Map<String, String> exitCodes = new LinkedHashMap<>();
    for (String line : lines) {
      int colon = line.indexOf(':');
      exitCodes.put(line.substring(0, colon), line.substring(colon + 1));
    }
    return exitCodes;
  }

  private static void applyExitCodes(CommandLine cli, Map<String, String> exitCodes) {
    cli.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n");
    cli.getCommandSpec().usageMessage().exitCodeList(exitCodes);
  }

  private static int execute(ParseResult parsed) {
    Logging.configure(parsed.commandSpec().commandLine().<RedmutexCommand>getCommand().verbose);
    return new RunLast().execute(parsed);
  }

  /** {@code redmutex} without a command is a usage error. */
  @Override
  public Integer call() {
    throw new ParameterException(
        spec.commandLine(), "missing COMMAND: one of run, status, list, release, dashboard, demo");
  }

  boolean verbose() {
    return verbose;
  }

  /** The {@code --key-prefix} value, or null. */
  String keyPrefix() {
    return keyPrefix;
  }

  /**
   * Checks lock name {@code name} as the library will, before any network: a bad name is a usage
   * error at once, not after a connect to a slow or silent server.
   */
  void checkName(CommandLine command, String name) {
    try {
      LockKeys.of(keyPrefix == null ? "" : keyPrefix, name);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(command, e.getMessage());
    }
  }

  /** The {@code --redis} value exactly as given, or null: {@code demo} uses only that. */
  String explicitRedis() {
    return redis;
  }

  /** Where to connect: {@code --redis}, {@code $REDMUTEX_URI}, default; plus the password. */
  RedisTarget target() {
    if (target == null) {
      target = RedisTarget.resolve(redis, System.getenv());
      target.check(); // kept even if bad, so that the error can say where it came from
    }
    return target;
  }

  /** Uses {@code uri} (the demo's own Redis) instead of the configured target. */
  RedisTarget target(String uri) {
    target = RedisTarget.resolve(uri, Map.of());
    return target;
  }

  /** Masks the password of the Redis in use, if any, in {@code text}. */
  String scrub(String text) {
    return target == null ? text : target.scrub(text);
  }

  /**
   * Connects to the target as {@code clientName} (shown as the holder of its locks).
   *
   * @param leaseTime the lease time, or null for the library's default
   */
  RedMutex connect(RedisTarget redis, String clientName, Duration leaseTime) {
    RedMutex.Builder builder = RedMutex.builder().uri(redis.uri()).clientName(clientName);
    if (leaseTime != null) {
      builder.leaseTime(leaseTime);
    }
    if (keyPrefix != null) {
      builder.keyPrefix(keyPrefix);
    }
    return builder.build();
  }

  /** {@code --version}: the version in the jar's manifest. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = RedmutexCommand.class.getPackage().getImplementationVersion();
      return new String[] {"redmutex " + (version == null ? "(development build)" : version)};
    }
  }
}
