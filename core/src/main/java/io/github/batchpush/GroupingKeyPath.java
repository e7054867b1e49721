package io.github.batchpush;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;

/**
 * Encodes a job and its grouping labels as the Pushgateway's path {@code job/<job>{/<label>/<value>}}, so that each
 * value arrives exactly as given.
 *
 * <p>simpleclient uses {@code URLEncoder}, which is form encoding: a space becomes '+', which the gateway stores as a
 * literal '+'. Here a value is percent-encoded as a path segment (RFC 3986), or sent in the gateway's
 * {@code @base64} form where a path segment cannot carry it: a '/' (a {@code %2F} gets a 301), an empty value, and
 * "." or ".." (which the gateway's router would resolve away).
 */
final class GroupingKeyPath {
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private GroupingKeyPath() {}

  /**
   * The group's identity, whatever order its labels came in: the gateway takes {@code a=1,b=2} and {@code b=2,a=1}
   * for one group, so its spool records, its run lock and its textfile must too (labels in name order).
   */
  static String key(String job, Map<String, String> labels) {
    return of(job, new TreeMap<>(labels));
  }

  static String of(String job, Map<String, String> labels) {
    StringBuilder path = new StringBuilder();
    appendPair(path, "job", job);
    labels.forEach((name, value) -> appendPair(path.append('/'), name, value));
    return path.toString();
  }

  private static void appendPair(StringBuilder path, String name, String value) {
    path.append(name);
    if (value.isEmpty()) {
      path.append("@base64/=");
    } else if (value.indexOf('/') >= 0 || value.equals(".") || value.equals("..")) {
      path.append("@base64/")
          .append(Base64.getUrlEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8)));
    } else {
      path.append('/');
      percentEncode(path, value);
    }
  }

  /** Keeps RFC 3986 unreserved characters; every other byte of the UTF-8 form becomes %XX. */
  private static void percentEncode(StringBuilder out, String value) {
    for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '-' || c == '.' || c == '_' || c == '~') {
        out.append((char) c);
      } else {
        out.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
      }
    }
  }
}
