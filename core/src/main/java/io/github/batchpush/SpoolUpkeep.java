package io.github.batchpush;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What a delivery holding the spool's lock does before its own work: takes over what batchpush 0.1 left, deletes
 * files abandoned by killed writers, tidies queues when due, and opens the journal with what earlier deliveries
 * left in it taken care of.
 *
 * <pre>{@code
 * SpoolUpkeep upkeep = new SpoolUpkeep(spool, problems);
 * List<Path> queues = upkeep.tidy(queue, false);          // a flush: true, every queue
 * SpoolUpkeep.LockedJournal journal = upkeep.journal(held, queue.gateway());
 * }</pre>
 *
 * <p>Trouble here is reported, and the delivery goes on.
 */
final class SpoolUpkeep {
  private static final Duration ABANDONED = Duration.ofHours(1);

  private final Spool spool;
  private final SpoolProblems problems;

  SpoolUpkeep(Spool spool, SpoolProblems problems) {
    this.spool = spool;
    this.problems = problems;
  }

  /**
   * What a locked delivery does before its own work: takes over what an older version left at the top of the
   * spool, deletes temporary files abandoned an hour ago, and tidies, when due, its own queue and one other one (a
   * flush: every one). Returns the queue directories. Trouble here is reported, and the delivery goes on.
   */
  List<Path> tidy(SpoolQueue queue, boolean everyQueue) {
    List<Path> queues = new ArrayList<>();
    List<Path> legacyRuns = new ArrayList<>();
    try {
      Instant abandoned = Instant.now().minus(ABANDONED);
      try (DirectoryStream<Path> top = Files.newDirectoryStream(spool.directory())) {
        for (Path p : top) {
          String name = p.getFileName().toString();
          if (name.endsWith(SpoolFiles.RUN_SUFFIX) && !name.startsWith(".")) {
            legacyRuns.add(p);
          } else if (name.startsWith(SpoolFiles.TEMPORARY_PREFIX)
              && Files.getLastModifiedTime(p).toInstant().isBefore(abandoned)) {
            Files.deleteIfExists(p);
          } else if (SpoolQueue.isQueueName(name)) {
            queues.add(p);
          }
        }
      }
      Collections.sort(legacyRuns);
      for (Path run : legacyRuns) {
        LegacySpool.adoptRun(spool, run, queue.gateway(), problems);
      }
      tidyQueues(queue, queues, everyQueue);
    } catch (IOException e) {
      problems.warn("cannot tidy the spool " + spool.directory() + " (" + e + "); delivering anyway");
    }
    return queues;
  }

  /**
   * The journal in the lock file, with what earlier deliveries left taken care of: the run of a delivery killed in
   * flight is spooled, a record cut short by a kill is dropped (its run had not been sent), the journal of batchpush
   * 0.1 is moved to the indexes, and the index records move to the links when enough gathered. {@link
   * LockedJournal#takesRunInFlight} is false while the journal holds a run that could not be spooled (a full disk),
   * which then waits there for a later delivery.
   */
  LockedJournal journal(LockFile.Held held, String gateway) {
    Journal journal;
    try {
      journal = Journal.read(held.channel());
    } catch (SpoolFiles.UnreadableException tooLarge) {
      problems.warn("the old journal in " + spool.lockFile() + " is " + tooLarge.getMessage() + " and was dropped");
      return emptied(held);
    } catch (IOException e) {
      problems.warn("cannot read the journal " + spool.lockFile() + " (" + e + ")");
      return new LockedJournal(null, false);
    }
    try {
      if (!takeOver(journal, gateway)) {
        return new LockedJournal(journal, false);
      }
      journal.dropLeftovers();
      compactIfDue(journal);
      return new LockedJournal(journal, true);
    } catch (IOException e) {
      problems.warn("cannot update the journal " + spool.lockFile() + " (" + e + ")");
      return new LockedJournal(journal, false);
    }
  }

  /** A locked delivery's journal (null when unreadable), and whether it can take a run in flight. */
  record LockedJournal(Journal journal, boolean takesRunInFlight) {}

  private LockedJournal emptied(LockFile.Held held) {
    try {
      held.channel().truncate(0);
      return new LockedJournal(Journal.read(held.channel()), true);
    } catch (IOException e) {
      problems.warn("cannot empty the lock file " + spool.lockFile() + " (" + e + ")");
      return new LockedJournal(null, false);
    }
  }

  /** Whether what earlier deliveries left in the journal is taken care of. */
  private boolean takeOver(Journal journal, String gateway) throws IOException {
    if (journal.legacyText() != null) {
      return LegacySpool.importJournal(spool, journal.legacyText(), gateway, problems);
    }
    if (journal.leftCut()) {
      problems.warn("a delivery killed while writing its journal left half a record in " + spool.lockFile()
          + "; it is dropped (a run being recorded had not been sent)");
    }
    SpoolFiles.Run left = journal.leftInFlight();
    if (left == null) {
      return true;
    }
    try {
      Path file = SpoolQueue.of(spool.directory(), left.gateway() != null ? left.gateway() : gateway)
          .write(left.push());
      problems.warn("a delivery was killed while pushing " + left.push().group() + "; spooled it to " + file);
      return true;
    } catch (IOException e) {
      problems.warn("cannot spool the run " + left.push().group() + " a killed delivery left in " + spool.lockFile()
          + " (" + e + "); it stays there for a later delivery");
      return false;
    }
  }

  /** Moves the journal's index records to the links, every {@link Journal#COMPACT_AT} of them. */
  private void compactIfDue(Journal journal) {
    if (!journal.dueForCompaction()) {
      return;
    }
    try {
      journal.compactInto((key, entry) -> SpoolQueue.ofKey(spool.directory(), key).index(null, problems)
          .link(key.substring(key.indexOf('/') + 1), entry));
    } catch (IOException e) {
      problems.index("cannot move the journal's records to the index (" + e + "); they stay in " + spool.lockFile());
    }
  }

  /** Tidies this delivery's queue, and one other at random (or all): every queue is tidied while any is in use. */
  private void tidyQueues(SpoolQueue queue, List<Path> queues, boolean everyQueue) throws IOException {
    Instant now = spool.clock().instant();
    queue.tidyIfDue(now, spool.maxAge(), false, problems);
    List<Path> others = new ArrayList<>(queues);
    others.remove(queue.directory());
    if (!everyQueue && others.size() > 1) {
      others = List.of(others.get(ThreadLocalRandom.current().nextInt(others.size())));
    }
    for (Path other : others) {
      SpoolQueue another = SpoolQueue.tidyDue(other, now) ? SpoolQueue.existing(other) : null;
      if (another != null && another.tidyIfDue(now, spool.maxAge(), true, problems) && !Files.isDirectory(other)) {
        queues.remove(other);
      }
    }
  }
}
