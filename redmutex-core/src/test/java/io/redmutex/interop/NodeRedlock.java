package io.redmutex.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * node-redlock (v5, on ioredis) installed for the interop tests: {@code npm ci} of the pinned
 * {@code src/test/resources/interop/node/package-lock.json} into {@code target/interop-node/}, once
 * per JVM (again only when the lockfile changed), and {@link #start} runs {@code redlock.js} there
 * (see its header for the actions and events).
 *
 * <p>Needs {@code node} and {@code npm} on the {@code PATH} (Debian: {@code apt-get install nodejs
 * npm}) and the npm registry for the first install. Without node or npm, {@link #install()} skips
 * the calling test, or fails it when {@code CI} is set; a failed {@code npm ci} always fails.
 */
final class NodeRedlock {
  private static final String RESOURCES = "/interop/node/";
  private static final List<String> FILES =
      List.of("package.json", "package-lock.json", "redlock.js");

  private static NodeRedlock installed;

  private final Path dir;
  private final String nodeVersion;

  private NodeRedlock(Path dir, String nodeVersion) {
    this.dir = dir;
    this.nodeVersion = nodeVersion;
  }

  /** Installs node-redlock into {@code target/interop-node/} unless it is there already. */
  static synchronized NodeRedlock install() {
    if (installed != null) {
      return installed;
    }
    Optional<String> node = Toolchains.version("node", "--version");
    Optional<String> npm = Toolchains.version("npm", "--version");
    if (node.isEmpty() || npm.isEmpty()) {
      return Toolchains.missing(
          "No "
              + (node.isEmpty() ? "node" : "npm")
              + " on the PATH for the node-redlock interop tests; install Node.js and npm"
              + " (apt-get install nodejs npm)");
    }
    Path dir = Toolchains.targetDir().resolve("interop-node");
    try {
      Files.createDirectories(dir);
      Path lock = dir.resolve("package-lock.json");
      byte[] before = Files.exists(lock) ? Files.readAllBytes(lock) : null;
      for (String file : FILES) {
        Toolchains.copyResource(RESOURCES + file, dir.resolve(file));
      }
      boolean current =
          before != null
              && Arrays.equals(before, Files.readAllBytes(lock))
              && Files.exists(dir.resolve("node_modules/.package-lock.json"));
      if (!current) {
        Toolchains.Result result =
            Toolchains.run(
                List.of("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"),
                dir,
                Map.of(),
                600);
        if (result.exitCode() != 0) {
          throw new AssertionError(
              "npm ci in " + dir + " failed (exit " + result.exitCode() + "):\n" + result.output());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare " + dir, e);
    }
    installed = new NodeRedlock(dir, node.get());
    return installed;
  }

  /** The folder holding {@code node_modules/}, for tests that bring their own script. */
  Path dir() {
    return dir;
  }

  String nodeVersion() {
    return nodeVersion;
  }

  /**
   * Runs {@code redlock.js} on the given masters ({@code host:port} each), e.g. {@code
   * start(List.of ("127.0.0.1:7001"), password, "--name", "orders:42", "--duration", "30000",
   * "hold")}.
   */
  InteropProcess start(List<String> masters, String password, String... args) {
    List<String> command = new ArrayList<>(List.of("node", dir.resolve("redlock.js").toString()));
    for (String master : masters) {
      command.add("--redis");
      command.add(master);
    }
    if (password != null) {
      command.add("--password");
      command.add(password);
    }
    command.addAll(Arrays.asList(args));
    return new InteropProcess(command, Map.of(), password);
  }
}
