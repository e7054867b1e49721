package io.github.batchpush;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.TreeMap;

/**
 * The name a group's own file takes in a directory of such files (textfiles, run locks): readable, safe in any file
 * system, and never shared by two groups.
 *
 * <pre>{@code
 * GroupFileName.of("backup", Map.of());                   // "backup"
 * GroupFileName.of("a/b", Map.of("team", "ops"));         // "a_b-ops-1f2e3d4c"
 * }</pre>
 *
 * <p>A plain job name without labels is the name itself; otherwise the job and label values are joined by '-', every
 * unsafe character as '_', and a short hash of the group's path is added, so that groups that look alike ({@code a/b}
 * and {@code a_b}; {@code {team=a}} and {@code {owner=a}}) never meet.
 */
final class GroupFileName {
  private GroupFileName() {}

  static String of(String job, Map<String, String> labels) {
    // In the labels' name order: one group, one file, whatever order its labels were given in.
    return name(job, new TreeMap<>(labels));
  }

  /**
   * The name the versions before {@link #of} sorted the labels gave the group: its labels in the order given. Null
   * when it is the same name.
   */
  static String asGiven(String job, Map<String, String> labels) {
    String asGiven = name(job, labels);
    return asGiven.equals(of(job, labels)) ? null : asGiven;
  }

  private static String name(String job, Map<String, String> labels) {
    StringBuilder name = new StringBuilder(safe(job));
    labels.values().forEach(v -> name.append('-').append(safe(v)));
    // With labels, the name shows their values but not their names: {team=a} and {owner=a} would meet.
    boolean ambiguous = !labels.isEmpty() || !name.toString().equals(job) || job.contains("-");
    if (ambiguous) {
      name.append('-').append(shortHash(GroupingKeyPath.of(job, labels)));
    }
    return name.toString();
  }

  private static String shortHash(String s) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
      StringBuilder hex = new StringBuilder();
      for (int i = 0; i < 4; i++) {
        hex.append(String.format("%02x", digest[i]));
      }
      return hex.toString();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  private static String safe(String s) {
    StringBuilder b = new StringBuilder();
    for (char c : s.toCharArray()) {
      b.append(Character.isLetterOrDigit(c) && c < 128 || c == '_' || c == '-' || c == '.' ? c : '_');
    }
    return b.length() == 0 ? "_" : b.toString();
  }
}
