package io.redmutex.interop;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The seed's Go lock ({@code src/test/resources/interop/go/seedlock.go}: {@code SET key value NX}
 * with a TTL, plain {@code DEL}, on redigo) built with {@code go build} into {@code
 * target/interop-go/seedlock}, once per JVM, and {@link #start} runs it (see the program's header
 * for the actions and events).
 *
 * <p>Builds in GOPATH mode against Debian's packaged sources, with no module downloads: needs
 * {@code go} on the {@code PATH} and redigo under {@code $REDMUTEX_GOPATH/src} (default {@code
 * /usr/share/gocode}; Debian: {@code apt-get install golang-go golang-github-gomodule-redigo-dev}).
 * Without them {@link #build()} skips the calling test, or fails it when {@code CI} is set; a
 * failed build always fails.
 */
final class GoSeedLock {
  private static final String REDIGO = "src/github.com/gomodule/redigo/redis";

  private static GoSeedLock built;

  private final Path binary;

  private GoSeedLock(Path binary) {
    this.binary = binary;
  }

  static synchronized GoSeedLock build() {
    if (built != null) {
      return built;
    }
    Optional<String> go = Toolchains.version("go", "version");
    if (go.isEmpty()) {
      return Toolchains.missing(
          "No go on the PATH for the Go seed interop tests; install Go and redigo"
              + " (apt-get install golang-go golang-github-gomodule-redigo-dev)");
    }
    String configured = System.getenv("REDMUTEX_GOPATH");
    Path gopath =
        Path.of(configured == null || configured.isBlank() ? "/usr/share/gocode" : configured);
    if (!Files.isDirectory(gopath.resolve(REDIGO))) {
      return Toolchains.missing(
          "No redigo at "
              + gopath.resolve(REDIGO)
              + " for the Go seed interop tests; apt-get install golang-github-gomodule-redigo-dev,"
              + " or point REDMUTEX_GOPATH at a GOPATH holding github.com/gomodule/redigo");
    }
    Path dir = Toolchains.targetDir().resolve("interop-go");
    Path source = dir.resolve("seedlock.go");
    Path binary = dir.resolve("seedlock");
    Toolchains.copyResource("/interop/go/seedlock.go", source);
    Toolchains.Result result =
        Toolchains.run(
            List.of("go", "build", "-o", binary.toString(), source.toString()),
            dir,
            Map.of(
                "GO111MODULE", "off", // GOPATH mode: imports from $GOPATH/src, nothing downloaded
                "GOPATH", gopath.toString(),
                "GOPROXY", "off",
                "GOFLAGS", "",
                "GOCACHE", dir.resolve("cache").toString()),
            300);
    if (result.exitCode() != 0) {
      throw new AssertionError(
          "go build of "
              + source
              + " failed (exit "
              + result.exitCode()
              + "):\n"
              + result.output());
    }
    if (!Files.isExecutable(binary)) {
      throw new AssertionError("go build wrote no " + binary + ":\n" + result.output());
    }
    built = new GoSeedLock(binary);
    return built;
  }

  /**
   * Runs the seed's lock on {@code hostPort}, e.g. {@code start("127.0.0.1:7001", password,
   * "--key", "orders:42", "--ttl", "30000", "hold")}.
   */
  InteropProcess start(String hostPort, String password, String... args) {
    List<String> command = new ArrayList<>(List.of(binary.toString(), "--addr", hostPort));
    if (password != null) {
      command.add("--password");
      command.add(password);
    }
    command.addAll(Arrays.asList(args));
    return new InteropProcess(command, Map.of(), password);
  }
}
