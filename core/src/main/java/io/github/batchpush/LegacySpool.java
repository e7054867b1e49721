package io.github.batchpush;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.Properties;

/**
 * What the spool of batchpush 0.1 left on disk, taken over by the first locked delivery after an upgrade: runs at
 * the top of the spool directory (now each gateway has a queue directory of its own), and the journal that the lock
 * file held (the delivered-index, and the run in flight of a delivery that was killed while pushing).
 *
 * <pre>{@code
 * LegacySpool.adoptRun(spool, file, gateway, problems);            // a top-level *.run goes to its gateway's queue
 * LegacySpool.importJournal(spool, lockFileText, gateway, problems);   // true: the journal may go
 * }</pre>
 */
final class LegacySpool {
  private static final String DELIVERED = "delivered.";
  private static final String IN_FLIGHT = "inflight.";

  private LegacySpool() {}

  /** Moves an old run file into the queue of its gateway (or of {@code gateway} when it names none). */
  static void adoptRun(Spool spool, Path file, String gateway, SpoolProblems problems) throws IOException {
    SpoolFiles.Run run;
    try {
      run = SpoolFiles.readRun(file);
    } catch (SpoolFiles.UnreadableException e) {
      spool.setAside(file, e.getMessage(), problems);
      return;
    }
    SpoolQueue queue = SpoolQueue.of(spool.directory(), run.gateway() != null ? run.gateway() : gateway);
    queue.create();
    java.nio.file.Files.move(file, queue.directory().resolve(file.getFileName()),
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  /**
   * Moves the old journal's delivered-index into the gateways' indexes, and its run in flight into its queue. Returns
   * whether the journal may go: not when that run cannot be written (a full disk); it then waits for another delivery.
   */
  static boolean importJournal(Spool spool, String text, String gateway, SpoolProblems problems) throws IOException {
    Properties journal = new Properties();
    try {
      journal.load(new StringReader(text));
    } catch (IOException | RuntimeException e) {
      problems.warn("the old journal in " + spool.lockFile() + " is unreadable (" + e + ") and was dropped");
      return true;
    }
    importDelivered(spool, journal, problems);
    return importInFlight(spool, journal, gateway, problems);
  }

  private static void importDelivered(Spool spool, Properties journal, SpoolProblems problems) throws IOException {
    for (String key : journal.stringPropertyNames()) {
      int space = key.indexOf(' ');
      if (!key.startsWith(DELIVERED) || space < 0) {
        continue;
      }
      try {
        String[] v = journal.getProperty(key).split(",");
        DeliveredEntry entry = DeliveredEntry.fromLegacy(Long.parseLong(v[0]), Long.parseLong(v[1]));
        SpoolQueue.of(spool.directory(), key.substring(DELIVERED.length(), space)).index(null, problems)
            .link(SpoolFiles.hash(key.substring(space + 1)), entry);
      } catch (RuntimeException e) {
        problems.index("old journal line " + key + " unreadable (" + e + ")");
      }
    }
  }

  /** Spools the run the journal held in flight; false when it could not be written, and the journal has to stay. */
  private static boolean importInFlight(Spool spool, Properties journal, String gateway, SpoolProblems problems) {
    if (journal.getProperty(IN_FLIGHT + "job") == null) {
      return true;
    }
    Push killed;
    try {
      killed = SpoolFiles.fromProperties(journal, IN_FLIGHT);
    } catch (IOException | RuntimeException e) {
      problems.warn("the run in flight in the old journal " + spool.lockFile() + " is unreadable (" + e
          + ") and LOST");
      return true;
    }
    String spooledFor = journal.getProperty(IN_FLIGHT + "gateway");
    try {
      Path file = SpoolQueue.of(spool.directory(), spooledFor != null ? spooledFor : gateway).write(killed);
      problems.warn("a delivery of an older batchpush was killed while pushing " + killed.group()
          + "; spooled it to " + file);
      return true;
    } catch (IOException e) {
      problems.warn("cannot spool the run " + killed.group() + " left in flight in " + spool.lockFile() + " ("
          + e + "); it stays there for the next delivery");
      return false;
    }
  }
}
