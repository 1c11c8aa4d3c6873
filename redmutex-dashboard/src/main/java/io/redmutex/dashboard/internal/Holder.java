package io.redmutex.dashboard.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Who holds a lock, split into what the page shows. redmutex clients record {@code clientName on
 * host pid N} in the lock key's value (wire protocol v2); a key without one was written by another
 * library or language (redsync, redis-py {@code Lock}, node-redlock, a plain {@code SET NX}), of
 * which Redis tells only that the key exists and its TTL. The holder's thread is not recorded in
 * Redis by any of them.
 */
final class Holder {
  private Holder() {}

  private static final Pattern REDMUTEX = Pattern.compile("^(.*) on (\\S+) pid (\\d+)$");

  static final String REDMUTEX_LIBRARY = "redmutex";
  static final String OTHER_LIBRARY = "another library or language";

  /** The fields of {@code label} (as stored by redmutex), or of an unknown holder when null. */
  static Map<String, Object> fields(String label) {
    Map<String, Object> fields = new LinkedHashMap<>();
    if (label == null) {
      fields.put("label", "(not redmutex)");
      fields.put("client", null);
      fields.put("host", null);
      fields.put("pid", null);
      fields.put("library", OTHER_LIBRARY);
      return fields;
    }
    Matcher m = REDMUTEX.matcher(label);
    fields.put("label", label);
    fields.put("client", m.matches() ? m.group(1) : label);
    fields.put("host", m.matches() ? m.group(2) : null);
    fields.put("pid", m.matches() ? Long.valueOf(m.group(3)) : null);
    fields.put("library", REDMUTEX_LIBRARY);
    return fields;
  }
}
