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
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a run to {@code DIR/<name>.prom} for node_exporter's textfile collector. The file is written under a
 * temporary name that the collector ignores and renamed into place, so a scrape never sees half a file; it has no
 * timestamps (the collector skips such files whole); and, as with the gateway's POST, a failed run keeps the last
 * success that the previous file recorded. Writers of the same file take a lock, so concurrent runs cannot lose
 * each other's last success.
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

  /**
   * The file a group is written to: {@code <job>.prom} for a plain job name without labels; otherwise the job and
   * label values joined by '-', every unsafe character as '_', and a short hash of the group's path, so that groups
   * that look alike ({@code a/b} and {@code a_b}; {@code {team=a}} and {@code {owner=a}}) never share a file.
   */
  Path fileFor(Push push) {
    StringBuilder name = new StringBuilder(safe(push.job));
    push.labels.values().forEach(v -> name.append('-').append(safe(v)));
    // With labels, the name shows their values but not their names: {team=a} and {owner=a} would meet.
    boolean ambiguous = !push.labels.isEmpty() || !name.toString().equals(push.job) || push.job.contains("-");
    if (ambiguous) {
      name.append('-').append(shortHash(GroupingKeyPath.of(push.job, push.labels)));
    }
    return directory.resolve(name + ".prom");
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

  /** Writes the run, giving up with an IOException when another writer holds the file past the deadline. */
  void write(Push push, long deadlineNanos) throws IOException {
    Files.createDirectories(directory);
    Path file = fileFor(push);
    try (LockFile.Held held = LockFile.acquire(directory.resolve("." + file.getFileName() + ".lock"),
        deadlineNanos)) {
      // A writer stopped (SIGSTOP, a hung NFS mount) while holding the lock must not hang every other job.
      if (held == null) {
        throw new IOException("another writer holds " + file + " past the deadline");
      }
      removeAbandonedTemporaryFiles(file);
      Push complete = push.lastSuccess() == null ? withPreviousSuccess(push, file) : push;
      Path tmp = directory.resolve("." + file.getFileName() + "." + ProcessHandle.current().pid() + "-"
          + Long.toHexString(System.nanoTime()) + ".tmp");
      try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
        w.write(render(complete));
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
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

  private Push withPreviousSuccess(Push push, Path file) throws IOException {
    String text;
    try {
      text = new String(RegularFiles.read(file, MAX_PREVIOUS_BYTES, LinkOption.NOFOLLOW_LINKS),
          StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return push;
    } catch (RegularFiles.Refused e) {
      // Not a file this writer left (a FIFO, a link, something huge): the rename below replaces it.
      LOG.warn("batchpush: ignoring {} when writing {}: {}", file, push.group(), e.getMessage());
      return push;
    }
    String name = push.lastSuccessName();
    for (String line : text.split("\n")) {
      if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
        return push.withLastSuccess(Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)));
      }
    }
    return push;
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

  private static String safe(String s) {
    StringBuilder b = new StringBuilder();
    for (char c : s.toCharArray()) {
      b.append(Character.isLetterOrDigit(c) && c < 128 || c == '_' || c == '-' || c == '.' ? c : '_');
    }
    return b.length() == 0 ? "_" : b.toString();
  }
}
