package io.github.batchpush;

import io.prometheus.client.Collector;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a run to {@code DIR/<name>.prom} for node_exporter's textfile collector. The file is written under a
 * temporary name that the collector ignores and renamed into place, so a scrape never sees half a file; it has no
 * timestamps (the collector skips such files whole); and it changes as the gateway's group would under a POST: the
 * metrics a push carries replace theirs, every other one of the previous file stays (a failed run keeps the last
 * success, a skip changes only the last skip). Writers of the same file take a lock, so concurrent runs cannot lose
 * each other's metrics.
 */
final class TextfileWriter {
  private static final Logger LOG = LoggerFactory.getLogger(TextfileWriter.class);
  /** A file this writer left holds one run's gauges: a few KiB. */
  private static final int MAX_PREVIOUS_BYTES = 1 << 20;
  private final Path directory;

  TextfileWriter(Path directory) {
    this.directory = directory.toAbsolutePath().normalize();
  }

  Path directory() {
    return directory;
  }

  /** The file a group is written to: {@code DIR/<name>.prom}, its name as {@link GroupFileName} makes it. */
  Path fileFor(Push push) {
    return directory.resolve(GroupFileName.of(push.job, push.labels) + ".prom");
  }

  /** Writes the run, giving up with an IOException when another writer holds the file past the deadline. */
  void write(Push push, long deadlineNanos) throws IOException {
    Files.createDirectories(directory);
    Path file = fileFor(push);
    String asGiven = GroupFileName.asGiven(push.job, push.labels);
    Path before = asGiven == null ? null : directory.resolve(asGiven + ".prom");
    try (LockFile.Held held = LockFile.acquire(directory.resolve("." + file.getFileName() + ".lock"),
        deadlineNanos, true)) {
      // A writer stopped (SIGSTOP, a hung NFS mount) while holding the lock must not hang every other job.
      if (held == null) {
        throw new IOException("another writer holds " + file + " past the deadline");
      }
      removeAbandonedTemporaryFiles(file);
      // The group's file as a version before the name sorted the labels wrote it: taken over, then removed, or
      // node_exporter would expose the group twice, its old success beside this failure.
      String text = render(push) + familiesNotIn(push, before != null && !Files.exists(file) ? before : file);
      Path tmp = directory.resolve("." + file.getFileName() + "." + ProcessHandle.current().pid() + "-"
          + Long.toHexString(System.nanoTime()) + ".tmp");
      try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
        w.write(text);
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      if (before != null) {
        Files.deleteIfExists(before);
      }
    }
  }

  /** Deletes what writers of this file killed mid-write left behind; under the lock, so none is being written. */
  private void removeAbandonedTemporaryFiles(Path file) throws IOException {
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(directory, "." + file.getFileName() + ".*.tmp")) {
      for (Path p : dir) {
        Files.deleteIfExists(p);
      }
    }
  }

  /**
   * The metric families of the previous file that {@code push} does not carry, as they were written: what a POST
   * leaves of the group on the gateway (the last success after a failed run, the last skip after a run, everything
   * but the last skip after a skip).
   */
  private static String familiesNotIn(Push push, Path file) throws IOException {
    String text;
    try {
      text = new String(RegularFiles.read(file, MAX_PREVIOUS_BYTES, LinkOption.NOFOLLOW_LINKS),
          StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return "";
    } catch (RegularFiles.Refused e) {
      // Not a file this writer left (a FIFO, a link, something huge): the rename below replaces it.
      LOG.warn("batchpush: ignoring {} when writing {}: {}", file, push.group(), e.getMessage());
      return "";
    }
    Set<String> pushed = new HashSet<>();
    push.samples.forEach(s -> pushed.add(s.name));
    StringBuilder kept = new StringBuilder();
    for (String line : text.split("\n")) {
      if (!line.isEmpty() && !pushed.contains(familyOf(line))) {
        kept.append(line).append('\n');
      }
    }
    return kept.toString();
  }

  /** The metric a line of the text format belongs to: the name after {@code # HELP} or {@code # TYPE}, or its own. */
  private static String familyOf(String line) {
    String rest = line.startsWith("# HELP ") || line.startsWith("# TYPE ") ? line.substring(7) : line;
    int end = 0;
    while (end < rest.length() && rest.charAt(end) != ' ' && rest.charAt(end) != '{') {
      end++;
    }
    return rest.substring(0, end);
  }

  /** The Prometheus text format, version 0.0.4, with the group's labels on every series. */
  static String render(Push push) {
    Map<String, List<Push.Sample>> families = new LinkedHashMap<>();
    for (Push.Sample s : push.samples) {
      families.computeIfAbsent(s.name, n -> new ArrayList<>()).add(s);
    }
    StringBuilder out = new StringBuilder();
    families.forEach((name, samples) -> {
      out.append("# HELP ").append(name).append(' ')
          .append(samples.get(0).help.replace("\\", "\\\\").replace("\n", "\\n")).append('\n');
      out.append("# TYPE ").append(name).append(" gauge\n");
      for (Push.Sample s : samples) {
        out.append(name).append("{job=\"").append(escape(push.job)).append('"');
        push.labels.forEach((k, v) -> out.append(',').append(k).append("=\"").append(escape(v)).append('"'));
        if (s.labelName != null) {
          out.append(',').append(s.labelName).append("=\"").append(escape(s.labelValue)).append('"');
        }
        out.append("} ").append(Collector.doubleToGoString(s.value)).append('\n');
      }
    });
    return out.toString();
  }

  private static String escape(String v) {
    return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }
}
