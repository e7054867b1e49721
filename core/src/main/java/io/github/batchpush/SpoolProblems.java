package io.github.batchpush;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * What went wrong with the spool during one delivery or flush, logged when it ends as at most one line per kind of
 * problem: a thousand garbage files are one line with a count, not a thousand lines. The lines name spooled runs as
 * spooled runs, with their group and finish time, so none is taken for the run just finished.
 *
 * <pre>{@code
 * SpoolProblems problems = new SpoolProblems();
 * problems.setAside("spooled run 001764064805000000000-1-1-ab.run", corrupt, "not a regular file (a FIFO, ...)");
 * problems.log();   // batchpush: spooled run 0017...ab.run moved to .../corrupt/: not a regular file (...)
 * }</pre>
 */
final class SpoolProblems {
  /** One kind of problem: how often, and the first occurrence's line, then the summary once there are more. */
  private static final class Kind {
    final boolean error;
    int count;
    String first;
    String many;

    Kind(boolean error) {
      this.error = error;
    }

    void add(String single, String summary) {
      if (count++ == 0) {
        first = single;
      }
      many = summary;
    }
  }

  private final Kind setAside = new Kind(true);
  private final Kind droppedForAge = new Kind(true);
  private final Kind droppedForCount = new Kind(true);
  private final Kind refused = new Kind(false);
  private final Kind index = new Kind(false);
  /** One-off warnings, each its own kind: the same line again is counted, not repeated. */
  private final Map<String, Integer> warnings = new LinkedHashMap<>();
  private int droppedTotal;
  private int dropped;
  private String firstDroppedForAge;
  private String firstSetAside;
  private String firstRefused;
  private String firstIndex;
  private final List<String> notes = new ArrayList<>();

  /**
   * A spool file moved to {@code aside} (the spool's {@code corrupt/}); {@code what} names it ("spooled run
   * 0017...run", "lock file .lock").
   */
  void setAside(String what, Path aside, String why) {
    if (firstSetAside == null) {
      firstSetAside = what + ": " + why;
    }
    setAside.add(what + " moved to " + aside + "/: " + why,
        (setAside.count + 1) + " spool files moved to " + aside + "/ (the first, " + firstSetAside + ")");
  }

  /**
   * A spooled run older than the spool's age limit, deleted; {@code run} names it (group and time, or file), and is
   * only asked for the first.
   */
  void droppedForAge(Supplier<String> run, Duration maxAge) {
    dropped++;
    if (firstDroppedForAge == null) {
      firstDroppedForAge = run.get();
    }
    droppedForAge.add("DROPPED spooled run " + firstDroppedForAge + ": older than the spool's limit of " + maxAge,
        "DROPPED " + (droppedForAge.count + 1) + " spooled runs older than the spool's limit of " + maxAge
            + " (the oldest, " + firstDroppedForAge + ")");
  }

  /** The oldest runs of a full queue, deleted. */
  void droppedForCount(Path spool, int maxRuns, int dropped) {
    this.dropped += dropped;
    droppedTotal += dropped;
    String line = "spool " + spool + " is full (limit " + maxRuns + " runs): DROPPED the " + droppedTotal + " oldest";
    droppedForCount.add(line, line);
  }

  /** A spooled run the gateway refused; it stays spooled. */
  void refused(Push spooled, PushException why) {
    String run = "spooled run " + spooled.group() + " of " + spooled.finishedAt;
    if (firstRefused == null) {
      firstRefused = run + ": " + why.getMessage();
    }
    refused.add(run + " refused: " + why.getMessage() + "; it stays spooled, the other groups go on",
        (refused.count + 1) + " spooled runs refused (the first, " + firstRefused
            + "); they stay spooled, the other groups go on");
  }

  /** An index entry that could not be read or written. */
  void index(String what) {
    if (firstIndex == null) {
      firstIndex = what;
    }
    index.add(what, (index.count + 1) + " problems with the spool's delivered-index (the first: " + firstIndex + ")");
  }

  /** A one-off warning, e.g. a run recovered from an older version's journal. */
  void warn(String line) {
    warnings.merge(line, 1, Integer::sum);
  }

  /** Progress worth telling, not a problem: e.g. how many runs the replay left for later. */
  void note(String line) {
    notes.add(line);
  }

  /** How many spooled runs were dropped, for their age or the spool's limit. */
  int droppedCount() {
    return dropped;
  }

  /** How many spool files were set aside. */
  int setAsideCount() {
    return setAside.count;
  }

  /** Logs one line per kind and forgets them. */
  void log() {
    for (Kind kind : List.of(setAside, droppedForAge, droppedForCount, refused, index)) {
      if (kind.count > 0) {
        Consumer<String> out = kind.error ? Spool.LOG::error : Spool.LOG::warn;
        out.accept("batchpush: " + (kind.count == 1 ? kind.first : kind.many));
        kind.count = 0;
      }
    }
    warnings.forEach((line, times) -> Spool.LOG.warn("batchpush: " + line + (times == 1 ? "" : " (" + times
        + " times)")));
    warnings.clear();
    notes.forEach(n -> Spool.LOG.info("batchpush: " + n));
    notes.clear();
  }
}
