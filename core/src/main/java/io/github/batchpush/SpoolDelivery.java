package io.github.batchpush;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The spool's delivery policy, for one delivery or flush holding the spool's lock.
 *
 * <pre>{@code
 * SpoolDelivery session = new SpoolDelivery(spool, queue, journal, delivery, deadlineNanos, problems);
 * session.deliver(push, true);   // the run just finished first, then a slice of the backlog
 * session.replay(queue.runs(), deadlineNanos); // or, for a flush: the backlog, newest first
 * }</pre>
 *
 * <p>The rules, each in one place below:
 * <ul>
 *   <li>A run is kept before its first byte goes out (the run just finished in flight in the {@link Journal}, a
 *   spooled one in its file), and let go only after the {@link DeliveredIndex} recorded it: a
 *   process killed at any point leaves either the run (sent again, which is harmless) or a record that trims any
 *   older run. A run the spool cannot take (a full disk) still goes out,
 *   after the same check, and is recorded once it went (the index writes no file data, so it still can). Never
 *   before: a record of a run whose send then failed would trim older runs that were promised to arrive.
 *   <li>Of every run only what is still news goes out ({@link DeliveredEntry#newsIn}), so runs go newest first: the
 *   run just finished ahead of the backlog of its gateway, the backlog from its newest run back. The gateway still
 *   ends as if every run had gone in order, oldest first, and a backlog costs about a push per group.
 *   <li>A group the gateway refuses (400 for a type conflict, 403, 413) waits in the spool, and the other groups go
 *   on; a refusal that is not the group's own (408, 429, 5xx, or a second job refused the same way) ends the replay.
 *   <li>An exception while sending is the network's or the JDK's, never the run's: a malformed file is found when it
 *   is read, and set aside.
 * </ul>
 */
final class SpoolDelivery {
  /**
   * The most a job's delivery spends on the backlog after its own run: the backlog goes in later deliveries or a
   * flush, and neither the job nor the spool's lock is held for long.
   */
  static final Duration REPLAY_SLICE = Duration.ofSeconds(2);
  /** While the gateway is down, one delivery in this many (at the default limit) checks the queue's limits. */
  private static final int LIMIT_CHECK_SAMPLE = 64;

  private final Spool spool;
  private final SpoolQueue queue;
  private final Journal journal;
  private final DeliveredIndex index;
  private final Delivery delivery;
  private final long deadlineNanos;
  private final SpoolProblems problems;
  private final Map<String, PushException> refused = new HashMap<>();
  private String firstRefusedJob;
  private int firstRefusedStatus;
  private Path ownFile;
  private IOException ownNotSpooled;
  /** How many runs this replay sent, and how long that took: what a send needs, to tell a failure from a cut-off. */
  private int sends;
  private long sentNanos;
  /** For a flush after a change of URL: the gateway whose runs go to this one as well; else null. */
  String adoptFrom;

  int delivered;
  /** Why the replay stopped before its end, or the last refusal of a group; null when neither happened. */
  PushException stoppedBy;
  /** Whether the replay stopped before its end. */
  boolean stopped;

  SpoolDelivery(Spool spool, SpoolQueue queue, Journal journal, Delivery delivery, long deadlineNanos,
      SpoolProblems problems) {
    this.spool = spool;
    this.queue = queue;
    this.journal = journal;
    this.index = queue.index(journal, problems);
    this.delivery = delivery;
    this.deadlineNanos = deadlineNanos;
    this.problems = problems;
  }

  /**
   * Delivers the run just finished, then a slice of its gateway's backlog; throws when the run did not arrive. The
   * run is recorded in flight in the journal while it is sent, unless {@code journalFree} is false.
   */
  void deliver(Push push, boolean journalFree) {
    Kept own = recordInFlight(push, journalFree);
    PushException failure = sendOwn(push, own);
    if (failure != null && own != null) {
      own = spoolOwn(push, own);
    }
    try {
      replayAfter(failure);
    } catch (IOException e) {
      problems.warn("cannot replay the spool " + spool.directory() + " (" + e + "); its runs wait for the next "
          + "delivery");
    }
    if (failure != null) {
      throw Spool.withSuffix(failure, own != null ? "; run " + own.where() + " for the next delivery"
          : "; run LOST: the spool " + spool.directory() + " cannot take it (" + ownNotSpooled + ")");
    }
  }

  /** Where a run is kept while it is sent: a spooled file, or the record in flight in the lock file. */
  private interface Kept {
    /** Lets it go, once its delivery is recorded. */
    void forget() throws IOException;

    /** For a message: "spooled to FILE". */
    String where();
  }

  private static Kept file(Path file) {
    return new Kept() {
      @Override
      public void forget() throws IOException {
        Files.deleteIfExists(file);
        Checkpoints.reached("deleted");
      }

      @Override
      public String where() {
        return "spooled to " + file;
      }
    };
  }

  private Kept recordInFlight(Push push, boolean journalFree) {
    if (journal == null || !journalFree) {
      ownNotSpooled = new IOException("the journal " + spool.lockFile() + " holds a run of a killed delivery");
      return null;
    }
    try {
      journal.writeInFlight(push, queue.gateway());
      Checkpoints.reached("own-spooled");
    } catch (IOException e) {
      ownNotSpooled = e;
      return null;
    }
    return new Kept() {
      @Override
      public void forget() throws IOException {
        journal.clearInFlight();
      }

      @Override
      public String where() {
        return "kept in " + spool.lockFile();
      }
    };
  }

  /** The run just finished did not arrive: it moves from the lock file to a run file, or stays where it is. */
  private Kept spoolOwn(Push push, Kept inFlight) {
    try {
      ownFile = queue.write(push);
      inFlight.forget();
      return file(ownFile);
    } catch (IOException e) {
      // A full disk: the lock file keeps it, and the next delivery that can spools it.
      return inFlight;
    }
  }

  /**
   * After the run just finished: a slice of the backlog, unless the gateway is down (or only a sample of the
   * limits, so that the spool stays bounded through an outage without a listing per run).
   */
  private void replayAfter(PushException ownFailure) throws IOException {
    boolean down = ownFailure != null && !(ownFailure instanceof GatewayRejectedException
        && !((GatewayRejectedException) ownFailure).isTransient());
    if (!down) {
      replay(queue.runs(), Math.min(deadlineNanos, System.nanoTime() + REPLAY_SLICE.toNanos()));
      if (stopped) {
        problems.note(stoppedBy.getMessage());
      }
    } else if (ThreadLocalRandom.current().nextInt(spool.maxRuns()) < LIMIT_CHECK_SAMPLE) {
      withinLimits(queue.runs());
    }
  }

  /** Sends the run just finished; the failure, or null. */
  private PushException sendOwn(Push push, Kept own) {
    if (System.nanoTime() + Delivery.MIN_ATTEMPT_NANOS >= deadlineNanos) {
      return new PushException("run " + push.group() + " not sent: waiting for the spool's lock in "
          + spool.directory() + " took the time until the deadline", null);
    }
    try {
      if (own != null) {
        sendThenRecord(push, own);
      } else {
        sendUnspooled(push);
      }
      Checkpoints.reached("own-sent");
      return null;
    } catch (PushException e) {
      refused.put(group(push), e);
      return e;
    }
  }

  /**
   * Sends what of {@code push} is news; lets its copy go once the index recorded that (or once nothing was news).
   * Returns whether anything was sent.
   */
  private boolean sendThenRecord(Push push, Kept copy) {
    String group = group(push);
    DeliveredEntry entry = lookup(push);
    Instant now = spool.clock().instant();
    Push news = entry.newsIn(push, now);
    if (news != null) {
      delivery.pushAdd(news, deadlineNanos);
      Checkpoints.reached("sent");
      try {
        index.record(group, entry.with(news, now));
      } catch (IOException e) {
        // Kept: sent again later, after anything older, which this lock's deliveries now trim.
        problems.index("cannot record the delivery of " + push.group() + " (" + e + "); its copy stays, to be "
            + "sent again");
        return true;
      }
      Checkpoints.reached("indexed");
    }
    try {
      copy.forget();
    } catch (IOException e) {
      problems.warn("cannot let go of the delivered run " + push.group() + " (" + e + "); it is sent again, "
          + "harmlessly");
    }
    return news != null;
  }

  /** What the index knows of the group, saying so once when the clock ran ahead when it was recorded. */
  private DeliveredEntry lookup(Push push) {
    DeliveredEntry entry = index.lookup(push);
    if (entry.recordedAfter(spool.clock().instant())) {
      problems.warn("the spool's record of what went out for " + push.group() + " is later than now: the clock ran "
          + "ahead or was set back; runs of it are sent whole until a new record replaces it");
    }
    return entry;
  }

  /**
   * Sends a run the spool could not take (a full disk), after the same check of what is news, and records it. Not
   * recorded before it is sent: if the send then failed, that record would trim older spooled runs that were
   * promised to arrive.
   */
  private void sendUnspooled(Push push) {
    String group = group(push);
    DeliveredEntry entry = lookup(push);
    Instant now = spool.clock().instant();
    Push news = entry.newsIn(push, now);
    if (news == null) {
      return;
    }
    delivery.pushAdd(news, deadlineNanos);
    try {
      index.record(group, entry.with(news, now));
      problems.warn("cannot write run " + push.group() + " to the spool " + spool.directory() + " ("
          + ownNotSpooled + "); it went out unspooled, and the spool's index recorded it");
    } catch (IOException e) {
      problems.warn("cannot write run " + push.group() + " to the spool " + spool.directory() + " ("
          + ownNotSpooled + "); it went out unspooled, but its delivery could not be recorded (" + e + ")");
    }
  }

  /**
   * Replays {@code runs} (listed oldest first) newest first, until {@code untilNanos}: the newest run of each group
   * goes out whole, and of the older ones only what is still news, which is seldom anything; so a backlog of
   * thousands costs a push or two per group, and a replay cut short has sent the newest values first.
   */
  void replay(List<Path> runs, long untilNanos) throws IOException {
    List<Path> kept = withinLimits(runs);
    for (int i = kept.size() - 1; i >= 0; i--) {
      Path file = kept.get(i);
      if (file.equals(ownFile)) {
        continue;
      }
      if (System.nanoTime() + Delivery.MIN_ATTEMPT_NANOS >= untilNanos) {
        stopForTime(i + 1, -1);
        return;
      }
      if (!replayOne(file, i + 1, untilNanos)) {
        return;
      }
    }
  }

  /** Replays one spooled run; false when the replay has to stop. */
  private boolean replayOne(Path file, int left, long untilNanos) {
    SpoolFiles.Run run = readOrSetAside(file);
    if (run == null || !takes(run.gateway()) || refused.containsKey(group(run.push()))) {
      return true;
    }
    long start = System.nanoTime();
    try {
      if (sendThenRecord(run.push(), file(file))) {
        sends++;
        sentNanos += System.nanoTime() - start;
      }
      delivered++;
      return true;
    } catch (GatewayRejectedException e) {
      return refusedForGood(run.push(), e);
    } catch (GatewayUnreachableException e) {
      if (cutShortByTheReplay(untilNanos - start)) {
        stopForTime(left, untilNanos - start);
      } else {
        stop(e);
      }
      return false;
    }
  }

  /**
   * Whether a send that got no answer had less time than the sends before it took: then the replay used the time
   * up, and the gateway is not to blame. A first send that fails is the gateway's failure.
   */
  private boolean cutShortByTheReplay(long budgetNanos) {
    return sends > 0 && budgetNanos < 2 * sentNanos / sends;
  }

  private SpoolFiles.Run readOrSetAside(Path file) {
    try {
      return SpoolFiles.readRun(file);
    } catch (java.nio.file.NoSuchFileException gone) {
      return null; // delivered by a delivery that held the lock before ours, after we listed the queue
    } catch (IOException e) {
      try {
        spool.setAside(file, e instanceof SpoolFiles.UnreadableException ? e.getMessage() : e.toString(), problems);
      } catch (IOException notMoved) {
        problems.warn("cannot set aside the unreadable spooled run " + file + " (" + e + "; " + notMoved + ")");
      }
      return null;
    }
  }

  /**
   * A refusal of one spooled run: its group waits in the spool and the other groups go on, unless the refusal is not
   * the group's own. Returns false when the replay has to stop.
   */
  private boolean refusedForGood(Push spooled, GatewayRejectedException e) {
    boolean sameAsAnotherJob = firstRefusedJob != null && e.status() == firstRefusedStatus
        && !spooled.job.equals(firstRefusedJob);
    if (e.isTransient() || sameAsAnotherJob) {
      // Overloaded, or a refusal every job gets (wrong credentials): the rest would fare no better.
      stop(e);
      return false;
    }
    if (firstRefusedJob == null) {
      firstRefusedJob = spooled.job;
      firstRefusedStatus = e.status();
    }
    refused.put(group(spooled), e);
    problems.refused(spooled, e);
    stoppedBy = e;
    return true;
  }

  private void stop(PushException why) {
    stoppedBy = why;
    stopped = true;
  }

  /**
   * The replay ran out of time: say so, rather than blame the gateway for the little time the last send had
   * ({@code lastBudgetNanos}, or -1 when the replay stopped before sending).
   */
  private void stopForTime(int left, long lastBudgetNanos) {
    stop(new PushException("the deadline came while replaying the spool " + spool.directory() + ": " + delivered
        + " spooled runs delivered, " + left + " left for the next delivery or flush"
        + (lastBudgetNanos < 0 ? "" : " (the last one sent had " + TimeUnit.NANOSECONDS.toMillis(lastBudgetNanos)
            + " ms left, and took them)"), null));
  }

  /** The queue's runs within the spool's limits; the others are dropped, loudly. The run just spooled stays. */
  List<Path> withinLimits(List<Path> runs) throws IOException {
    return queue.withinLimits(runs, spool.maxRuns(), spool.clock().instant().minus(spool.maxAge()), spool.maxAge(),
        ownFile, problems);
  }

  private static String group(Push push) {
    return GroupingKeyPath.key(push.job, push.labels);
  }

  /** Whether this delivery sends a run spooled for {@code spooledFor}; one spooled without a gateway goes to any. */
  private boolean takes(String spooledFor) {
    return spooledFor == null || spooledFor.equals(queue.gateway()) || spooledFor.equals(adoptFrom);
  }
}
