package io.redmutex.bench;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The command line: {@code [--quick] [--smoke] [--json FILE] [--redis URI]}.
 *
 * @param mode full by default
 * @param json where to write the JSON report, if anywhere
 * @param redis a Redis to use instead of starting one
 */
record Options(Mode mode, Optional<Path> json, Optional<String> redis) {

  static final String USAGE =
      """
      usage: ./redmutex-bench/run [--quick | --smoke] [--json FILE] [--redis URI]

        (no mode)     full run, about ten minutes: the figures for the README
        --quick       about two minutes
        --smoke       20-40 s, tiny counts: checks that every scenario runs (for CI)
        --json FILE   also write the figures as JSON to FILE
        --redis URI   use this Redis (redis://[:password@]host:port) instead of starting one;
                      it is flushed (FLUSHALL) between runs: never point this at real data
      """;

  /**
   * Parses the arguments.
   *
   * @throws IllegalArgumentException with a message for the user
   */
  static Options parse(String... args) {
    Mode mode = null;
    Path json = null;
    String redis = null;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      switch (arg) {
        case "--quick", "--smoke" -> {
          if (mode != null) {
            throw new IllegalArgumentException("choose one of --quick and --smoke");
          }
          mode = arg.equals("--quick") ? Mode.QUICK : Mode.SMOKE;
        }
        case "--json" -> {
          if (json != null) {
            throw new IllegalArgumentException("--json was given twice");
          }
          json = Path.of(value(args, ++i, arg));
        }
        case "--redis" -> {
          if (redis != null) {
            throw new IllegalArgumentException("--redis was given twice");
          }
          redis = value(args, ++i, arg);
          RedisTarget.parse(redis); // fail now, not after a minute
        }
        default -> throw new IllegalArgumentException("unknown argument: " + arg);
      }
    }
    return new Options(
        mode == null ? Mode.FULL : mode, Optional.ofNullable(json), Optional.ofNullable(redis));
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length || args[i].startsWith("--")) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return args[i];
  }
}
