package io.github.batchpush;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What {@link BatchPush#preflight()} checks: configuration that would only fail after the job ran, when nothing can be
 * done about it any more. Only looks (stat and access calls); never creates or writes anything.
 *
 * <pre>{@code
 * Preflight.spool(Path.of("/var/spool/batchpush"), "--spool-dir");   // [] or one line naming problem and fix
 * Preflight.textfile(Path.of("/var/lib/node_exporter"), "--textfile-dir");
 * }</pre>
 */
final class Preflight {
  private Preflight() {}

  /**
   * Problems with spooling runs in {@code directory}, one line each: it must be a directory this user can write, or
   * one it can create; {@code key} is how the user set it, which the fix names.
   */
  static List<String> spool(Path directory, String key) {
    return directory("spool", directory, key);
  }

  /** Problems with writing textfiles into {@code directory}, by the same rule as {@link #spool}. */
  static List<String> textfile(Path directory, String key) {
    return directory("textfile", directory, key);
  }

  private static List<String> directory(String what, Path directory, String key) {
    Path dir = directory.toAbsolutePath().normalize();
    String named = "The " + what + " directory '" + dir + "'";
    String fix = ": set " + key + " to a directory this user can write";
    if (Files.exists(dir)) {
      if (!Files.isDirectory(dir)) {
        return List.of(named + " is not a directory" + fix);
      }
      if (!usable(dir)) {
        return List.of(named + " is not writable by this user" + owner(dir) + fix);
      }
      return List.of();
    }
    Path existing = dir.getParent();
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing == null) {
      return List.of();
    }
    if (!Files.isDirectory(existing)) {
      return List.of(named + " cannot be created: '" + existing + "' is not a directory" + fix);
    }
    if (!usable(existing)) {
      return List.of(named + " cannot be created: '" + existing + "' is not writable by this user" + owner(existing)
          + fix + ", or create it for this user");
    }
    return List.of();
  }

  /** Writable and searchable, as access(2) tells: by this user, on a file system mounted read-write. */
  private static boolean usable(Path dir) {
    return Files.isWritable(dir) && Files.isExecutable(dir);
  }

  /** Whose the file or directory is, when not this user's: the likeliest reason it cannot be written. */
  static String owner(Path path) {
    try {
      Object owner = Files.getAttribute(path, "unix:uid");
      Object self = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
      return owner.equals(self) ? "" : " (it belongs to uid " + owner + ")";
    } catch (IOException | RuntimeException e) {
      return ""; // not Linux: the owner only explains, the check stands without it
    }
  }
}
