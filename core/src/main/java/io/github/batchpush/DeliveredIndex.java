package io.github.batchpush;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * The spool's journal of what it delivered to one gateway: a {@link DeliveredEntry} per group, kept in the queue's
 * {@code delivered/} directory as a symbolic link named after a hash of the group, whose target is the entry's text.
 *
 * <pre>{@code
 * DeliveredIndex index = queue.index(problems);
 * DeliveredEntry entry = index.lookup("job/nightly");
 * index.record("job/nightly", entry.with(sent));
 * }</pre>
 *
 * <p>Why links: creating and renaming one writes no file data, so the index is kept even on a full disk or under a
 * file size limit ({@code ulimit -f}), where no run file can be written; a run is then still sent in order, and
 * recorded. A rename replaces an entry whole, so a process killed while writing one never leaves half of it; and
 * reading one is a single {@code readlink}. A delivery reads and writes only its groups' entries, whatever the size
 * of the index; entries of groups not delivered within the spool's age limit are pruned ({@link SpoolQueue#tidyIfDue}).
 *
 * <p>Used under the spool's lock, except for the read-only {@link #lookup} of a delivery that cannot take it.
 */
final class DeliveredIndex {
  static final String DIRECTORY = "delivered";

  /** Makes what the index directory lives in, when its first entry is written. */
  interface Parent {
    void create() throws IOException;
  }

  private final Path directory;
  private final Parent parent;
  private final SpoolProblems problems;
  /** Entries read or recorded under this lock: recorded ones hold even when their link could not be written. */
  private final Map<String, DeliveredEntry> session = new HashMap<>();

  DeliveredIndex(Path directory, Parent parent, SpoolProblems problems) {
    this.directory = directory;
    this.parent = parent;
    this.problems = problems;
  }

  /** What was delivered of {@code group} (a {@link GroupingKeyPath}); {@link DeliveredEntry#NONE} for nothing. */
  DeliveredEntry lookup(String group) {
    return session.computeIfAbsent(group, g -> read(directory.resolve(SpoolFiles.hash(g))));
  }

  private DeliveredEntry read(Path link) {
    try {
      return DeliveredEntry.decode(Files.readSymbolicLink(link).toString());
    } catch (NoSuchFileException none) {
      return DeliveredEntry.NONE;
    } catch (IOException | RuntimeException e) {
      // Only a hand-made file or a damaged disk does this; the next delivery of the group replaces it.
      problems.index("entry " + link + " unreadable (" + e + ")");
      return DeliveredEntry.NONE;
    }
  }

  /**
   * Records what was delivered of {@code group}. Even when this throws, the rest of this lock's deliveries go by
   * {@code entry}.
   */
  void record(String group, DeliveredEntry entry) throws IOException {
    session.put(group, entry);
    Path link = directory.resolve(SpoolFiles.hash(group));
    Path tmp = directory.resolve(SpoolFiles.TEMPORARY_PREFIX + SpoolFiles.uniqueSuffix());
    try {
      createLink(tmp, entry.encode());
      Checkpoints.reached("index-linked");
      Files.move(tmp, link, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
  }

  private void createLink(Path tmp, String target) throws IOException {
    try {
      Files.createSymbolicLink(tmp, Paths.get(target));
    } catch (NoSuchFileException noDirectoryYet) {
      parent.create();
      Files.createDirectories(directory, SpoolFiles.ownerOnlyDirectory());
      Files.createSymbolicLink(tmp, Paths.get(target));
    }
  }

  /** Records {@code entry} merged with what is already there, e.g. what an older version's journal knew. */
  void merge(String group, DeliveredEntry entry) throws IOException {
    DeliveredEntry merged = lookup(group).merge(entry);
    if (!merged.equals(lookup(group))) {
      record(group, merged);
    }
  }

  /**
   * Deletes the entries of groups not delivered since {@code cutoff}: an older run of theirs would be dropped from
   * the spool at that age anyway. Returns whether the index is now empty (or was never written).
   */
  boolean prune(Instant cutoff) throws IOException {
    long cutoffNanos = DeliveredEntry.nanos(cutoff);
    boolean empty = true;
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
      for (Path p : entries) {
        String name = p.getFileName().toString();
        if (name.startsWith(SpoolFiles.TEMPORARY_PREFIX)) {
          Files.deleteIfExists(p); // left by a writer killed between link and rename; none writes now
        } else if (read(p).newestNanos() < cutoffNanos) {
          Files.deleteIfExists(p);
        } else {
          empty = false;
        }
      }
    } catch (NoSuchFileException never) {
      return true;
    }
    return empty;
  }
}
