package io.redmutex.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A Lua script of the wire protocol, loaded from this package's resources, with its SHA-1.
 *
 * @param whole sent as {@code EVAL} every time, never as {@code EVALSHA}: for a script that must
 *     reach Redis before whatever its caller sends next; an {@code EVALSHA} answered {@code
 *     NOSCRIPT} is sent again as {@code EVAL}, behind that
 */
record Script(String name, String body, String sha, boolean whole) {

  static final Script TAKE = load("take.lua");
  static final Script RELEASE = load("release.lua");
  static final Script EXTEND = load("extend.lua");
  static final Script INSPECT = load("inspect.lua");
  static final Script UNWAIT = load("unwait.lua");
  static final Script BREAK = load("break.lua");
  static final Script HAND_OFF = load("handoff.lua");
  static final Script RAISE_FENCE = load("raisefence.lua");

  // Semaphores and read-write locks (see PermitKeys).
  static final Script PERMIT_TAKE = load("permit_take.lua");
  static final Script READ_TAKE = load("read_take.lua");
  static final Script WRITE_TAKE = load("write_take.lua");
  static final Script PERMIT_RELEASE = load("permit_release.lua");
  static final Script PERMIT_EXTEND = load("permit_extend.lua");
  // Rare (a writer gave up), and the thread that gave up may read next.
  static final Script WRITE_WITHDRAW = load("write_withdraw.lua").sentWhole();
  static final Script PERMIT_INSPECT = load("permit_inspect.lua");

  private static Script load(String resource) {
    try (InputStream in = Script.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing script resource " + resource);
      }
      String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return new Script(resource, body, sha1(body), false);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read script resource " + resource, e);
    }
  }

  private Script sentWhole() {
    return new Script(name, body, sha, true);
  }

  private static String sha1(String text) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-1");
      return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is required of every Java platform", e);
    }
  }
}
