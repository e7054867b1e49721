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
 * What the spool delivered to one gateway: a {@link DeliveredEntry} per group, kept in the queue's {@code delivered/}
 * directory as a symbolic link named after a hash of the group, whose target is the entry's text; the latest changes
 * are in the spool's {@link Journal} first, and move to the links every {@link Journal#COMPACT_AT} records.
 *
 * <pre>{@code
 * DeliveredIndex index = queue.index(journal, problems);
 * DeliveredEntry entry = index.lookup("job/nightly");
 * index.record("job/nightly", entry.with(sent));
 * }</pre>
 *
 * <p>Why links: creating and renaming one writes no file data, so the index is kept even on a full disk or under a
 * file size limit ({@code ulimit -f}), where neither a run file nor the journal can be written; a run is then still
 * sent in order, and recorded. A rename replaces an entry whole, so a process killed while writing one never leaves
 * half of it; and reading one is a single {@code readlink}. A delivery reads and writes only its groups' entries,
 * whatever the size of the index; entries of groups not delivered within the spool's age limit are pruned ({@link
 * SpoolQueue#tidyIfDue}).
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
  private final Journal journal;
  private final SpoolProblems problems;
  /** Entries read or recorded under this lock: recorded ones hold even when they could not be written. */
  private final Map<String, DeliveredEntry> session = new HashMap<>();

  /** The index in {@code directory}; {@code journal} is null for a delivery without the lock, which only reads. */
  DeliveredIndex(Path directory, Parent parent, Journal journal, SpoolProblems problems) {
    this.directory = directory;
    this.parent = parent;
    this.journal = journal;
    this.problems = problems;
  }

  /**
   * What went out of the group of {@code push}: recorded under its labels in name order ({@link GroupingKeyPath#key})
   * and, by the versions before that was the key, under the order its labels were given in.
   */
  DeliveredEntry lookup(Push push) {
    String key = GroupingKeyPath.key(push.job, push.labels);
    String asGiven = GroupingKeyPath.of(push.job, push.labels);
    DeliveredEntry entry = lookup(key);
    return asGiven.equals(key) ? entry : entry.merge(lookup(asGiven));
  }

  /** What was delivered of {@code group} (a {@link GroupingKeyPath}); {@link DeliveredEntry#NONE} for nothing. */
  DeliveredEntry lookup(String group) {
    return session.computeIfAbsent(group, g -> {
      String hash = SpoolFiles.hash(g);
      DeliveredEntry linked = read(directory.resolve(hash));
      DeliveredEntry journaled = journal == null ? null : journal.delivered(key(hash));
      // Merged: a link written while the journal could not be may be newer than the journal's record.
      return journaled == null ? linked : linked.merge(journaled);
    });
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

  /** The journal's key of an entry: the queue's directory and the hash of the group. */
  private String key(String hash) {
    return directory.getParent().getFileName() + "/" + hash;
  }

  /**
   * Records what was delivered of {@code group}: in the journal, or in its link when the journal cannot take it.
   * Even when this throws, the rest of this lock's deliveries go by {@code entry}.
   */
  void record(String group, DeliveredEntry entry) throws IOException {
    session.put(group, entry);
    String hash = SpoolFiles.hash(group);
    if (journal != null) {
      try {
        journal.recordDelivered(key(hash), entry);
        return;
      } catch (IOException full) {
        // a full disk or a file size limit: a link still goes
      }
    }
    link(hash, entry);
  }

  /** Writes the entry {@code hash} to its link, merged with what the link held: entries only ever learn. */
  void link(String hash, DeliveredEntry entry) throws IOException {
    Path link = directory.resolve(hash);
    DeliveredEntry merged = read(link).merge(entry);
    Path tmp = directory.resolve(SpoolFiles.TEMPORARY_PREFIX + SpoolFiles.uniqueSuffix());
    try {
      createLink(tmp, merged.encode());
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
