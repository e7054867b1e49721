package io.github.batchpush;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs that could not be delivered yet, kept on disk until a later delivery or flush sends them.
 *
 * <pre>{@code
 * Spool spool = new Spool(directory, 10_000, Duration.ofDays(7), Clock.systemUTC());
 * spool.deliver(push, delivery, deadlineNanos);            // throws PushException when the run did not arrive
 * SpoolReport report = spool.replay(delivery, deadlineNanos, null);
 * }</pre>
 *
 * <p>The spool directory holds a queue per gateway ({@link SpoolQueue}: the run files, and the {@link
 * DeliveredIndex} of what went there), a lock file {@code .lock}, and {@code corrupt/} for files set aside. Every
 * delivery takes the lock ({@link LockFile}), so two cron jobs finishing at once never lose, duplicate or reorder a
 * run; what it does under the lock is {@link SpoolDelivery}'s. The parts: {@link SpoolFiles} (format, naming, bounded
 * reads), {@link Journal} (the lock file's content: the run in flight, the index's latest records), {@link
 * DeliveredEntry} (what of a late run is still news), {@link SpoolProblems} (one log line per kind of problem),
 * {@link LegacySpool} (what the previous version left on disk).
 */
final class Spool {
  static final Logger LOG = LoggerFactory.getLogger(Spool.class);
  private static final String LOCK_FILE = ".lock";
  private static final String CORRUPT = "corrupt";

  private final Path directory;
  private final int maxRuns;
  private final Duration maxAge;
  private final Clock clock;

  Spool(Path directory, int maxRuns, Duration maxAge, Clock clock) {
    this.directory = directory.toAbsolutePath().normalize();
    this.maxRuns = maxRuns;
    this.maxAge = maxAge;
    this.clock = clock;
  }

  static Path defaultDirectory(Map<String, String> env) {
    String state = env.get("XDG_STATE_HOME");
    Path base = state != null && !state.isBlank() ? Paths.get(state)
        : Paths.get(System.getProperty("user.home"), ".local", "state");
    return base.resolve("batchpush").resolve("spool");
  }

  Path directory() {
    return directory;
  }

  /** The most runs a gateway's queue keeps; older ones are dropped, loudly. */
  int maxRuns() {
    return maxRuns;
  }

  Duration maxAge() {
    return maxAge;
  }

  Clock clock() {
    return clock;
  }

  Path lockFile() {
    return directory.resolve(LOCK_FILE);
  }

  /**
   * Delivers {@code push} ahead of what its gateway's queue holds, then replays some of that. A run that could not
   * be delivered by the deadline is spooled, and the exception says so (or that it is LOST, when the spool cannot
   * take it either).
   */
  void deliver(Push push, Delivery delivery, long deadlineNanos) {
    // A job cancelled with Future.cancel(true), or stopped by its framework, closes its run with the interrupt flag
    // set; with it, every wait below would give up at once and the run would only be spooled. The deadline still
    // bounds the delivery, and the flag is back when it ends.
    boolean interrupted = Thread.interrupted();
    SpoolProblems problems = new SpoolProblems();
    try {
      deliverUninterrupted(push, delivery, deadlineNanos, problems);
    } finally {
      problems.log();
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void deliverUninterrupted(Push push, Delivery delivery, long deadlineNanos, SpoolProblems problems) {
    SpoolQueue queue = SpoolQueue.of(directory, delivery.gateway());
    LockFile.Held held;
    try {
      held = lock(deadlineNanos, problems);
    } catch (IOException e) {
      deliverWithoutSpool(push, queue, delivery, deadlineNanos, e, problems);
      return;
    }
    if (held == null) {
      throw spoolWithoutLock(push, queue);
    }
    try {
      SpoolUpkeep upkeep = new SpoolUpkeep(this, problems);
      upkeep.tidy(queue, false);
      SpoolUpkeep.LockedJournal journal = upkeep.journal(held, queue.gateway());
      new SpoolDelivery(this, queue, journal.journal(), delivery, deadlineNanos, problems)
          .deliver(push, journal.takesRunInFlight());
    } finally {
      release(held, problems);
    }
  }

  /**
   * Another delivery held the lock past the deadline: the run is written without it, under a temporary name that
   * is renamed, so the holder never reads half of it.
   */
  private PushException spoolWithoutLock(Push push, SpoolQueue queue) {
    String why = "run " + push.group() + " not delivered: another delivery held the spool lock in " + directory
        + " past the deadline; ";
    try {
      return new PushException(why + "run spooled to " + queue.write(push) + " for the next delivery", null);
    } catch (IOException e) {
      return new PushException(why + "run LOST: the spool cannot take it (" + e + ")", null);
    }
  }

  /**
   * The spool cannot be used at all (it cannot be created, its lock file cannot be opened): the run goes out without
   * it, still trimmed to what is news by what its index knows, and is LOST when that fails.
   */
  private void deliverWithoutSpool(Push push, SpoolQueue queue, Delivery delivery, long deadlineNanos,
      IOException why, SpoolProblems problems) {
    Push news = !Files.isDirectory(queue.directory()) ? push
        : queue.index(null, problems).lookup(push)
            .newsIn(push, clock.instant());
    if (news == null) {
      return;
    }
    try {
      delivery.pushAdd(news, deadlineNanos);
    } catch (PushException e) {
      throw withSuffix(e, "; run LOST: the spool " + directory + " is unusable (" + why + ")");
    }
    problems.warn("spool " + directory + " unusable (" + why + "); the run was delivered without it");
  }

  /**
   * Replays the spool now, for {@code batchpush flush}; with {@code adoptFrom}, the runs spooled for that other
   * gateway URL go to this one as well.
   */
  SpoolReport replay(Delivery delivery, long deadlineNanos, String adoptFrom) {
    boolean interrupted = Thread.interrupted();
    SpoolProblems problems = new SpoolProblems();
    SpoolQueue queue = SpoolQueue.of(directory, delivery.gateway());
    SpoolQueue adopted = adoptFrom == null ? null : SpoolQueue.of(directory, adoptFrom);
    try {
      LockFile.Held held = lock(deadlineNanos, problems);
      if (held == null) {
        return new SpoolReport(0, waiting(queue, adopted), Map.of(), 0, 0, new PushException(
            "another delivery holds the spool lock in " + directory + "; try again later", null));
      }
      try {
        SpoolUpkeep upkeep = new SpoolUpkeep(this, problems);
        List<Path> queues = upkeep.tidy(queue, true);
        SpoolDelivery session = new SpoolDelivery(this, queue, upkeep.journal(held, queue.gateway()).journal(),
            delivery, deadlineNanos, problems);
        session.adoptFrom = adoptFrom;
        session.replay(runs(queue, adopted), deadlineNanos);
        return new SpoolReport(session.delivered, waiting(queue, adopted), othersWaiting(queues, queue, adopted),
            problems.droppedCount(), problems.setAsideCount(), session.stoppedBy);
      } finally {
        release(held, problems);
      }
    } catch (IOException e) {
      return new SpoolReport(0, 0, Map.of(), 0, 0, new PushException("spool " + directory + " unusable: " + e, e));
    } finally {
      problems.log();
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * DELETEs the group {@code job} plus {@code labels} from the gateway while holding the spool's lock, so that no
   * delivery sends a run of it meanwhile, then drops the group's runs spooled for that gateway: sent by the next flush,
   * they would bring the retired group back. Returns how many runs were dropped.
   *
   * @throws PushException when the gateway could not be reached or refused (nothing is dropped then), or when the
   *     group is deleted but its spooled runs could not be dropped: the spool was busy past half the deadline (a long
   *     replay) or cannot be used; the message says that the next flush brings the group back
   */
  int deleteGroup(Delivery delivery, String job, Map<String, String> labels, long deadlineNanos) {
    if (!Files.isDirectory(directory)) {
      delivery.delete(job, labels, deadlineNanos);
      return 0;
    }
    SpoolProblems problems = new SpoolProblems();
    String kept = "the group " + Push.group(job, labels) + " was deleted from " + delivery.gateway() + ", but its "
        + "runs spooled in " + directory + " were not dropped (";
    String comeBack = "): the next flush sends them and brings the group back; delete it again once the spool is "
        + "free";
    LockFile.Held held = null;
    IOException unusable = null;
    try {
      long now = System.nanoTime();
      try {
        held = lock(now + (deadlineNanos - now) / 2, problems);
      } catch (IOException e) {
        unusable = e;
      }
      // Deleted whether or not the lock was had: the group is retired either way; only its spooled runs may stay.
      delivery.delete(job, labels, deadlineNanos);
      if (held == null) {
        if (unusable == null && !holdsRunsOf(delivery.gateway(), job, labels)) {
          return 0; // none to drop; what the lock's holder sends is a run newer than this delete
        }
        throw new PushException(kept + (unusable != null ? "the spool's lock cannot be taken: " + unusable
            : "another delivery holds the spool's lock") + comeBack, unusable);
      }
      // A run a killed delivery left in the journal becomes a file first, so that it is dropped too.
      new SpoolUpkeep(this, problems).journal(held, delivery.gateway());
      return SpoolQueue.of(directory, delivery.gateway()).dropGroup(job, labels);
    } catch (IOException e) {
      throw new PushException(kept + e + comeBack, e);
    } finally {
      if (held != null) {
        release(held, problems);
      }
      problems.log();
    }
  }

  /** Whether runs of the group wait for {@code gateway}, looking without the lock; true when it cannot tell. */
  private boolean holdsRunsOf(String gateway, String job, Map<String, String> labels) {
    try {
      return !SpoolQueue.of(directory, gateway).runsOf(job, labels).isEmpty();
    } catch (IOException e) {
      return true;
    }
  }

  /** The runs of the queue, and of the adopted one, oldest first. */
  private static List<Path> runs(SpoolQueue queue, SpoolQueue adopted) throws IOException {
    List<Path> runs = new ArrayList<>(queue.runs());
    if (adopted != null) {
      runs.addAll(adopted.runs());
      runs.sort(Comparator.comparing(p -> p.getFileName().toString()));
    }
    return runs;
  }

  private static int waiting(SpoolQueue queue, SpoolQueue adopted) throws IOException {
    return queue.runs().size() + (adopted == null ? 0 : adopted.runs().size());
  }

  /** How many runs wait for which other gateway. */
  private static Map<URI, Integer> othersWaiting(List<Path> queues, SpoolQueue queue, SpoolQueue adopted)
      throws IOException {
    Map<URI, Integer> others = new TreeMap<>();
    for (Path directory : queues) {
      if (directory.equals(queue.directory()) || adopted != null && directory.equals(adopted.directory())) {
        continue;
      }
      SpoolQueue other = SpoolQueue.existing(directory);
      int runs = other == null ? 0 : other.runs().size();
      if (runs > 0) {
        others.merge(URI.create(other.gateway()), runs, Integer::sum);
      }
    }
    return others;
  }

  /** Takes the lock, setting aside a lock file that is not a regular file; null when the deadline passed first. */
  private LockFile.Held lock(long deadlineNanos, SpoolProblems problems) throws IOException {
    createDirectory();
    try {
      try {
        return LockFile.acquire(lockFile(), deadlineNanos, SpoolFiles.ownerOnlyFile());
      } catch (LockFile.NotRegularFileException e) {
        // A FIFO, device or link in its place, put there by hand: never opened; a fresh lock file takes its place.
        try {
          setAside(lockFile(), "lock file " + LOCK_FILE, "not a regular file", problems);
        } catch (NoSuchFileException setAsideByAnotherProcess) {
          // and created anew: fine
        }
        return LockFile.acquire(lockFile(), deadlineNanos, SpoolFiles.ownerOnlyFile());
      }
    } catch (InterruptedIOException e) {
      return null;
    }
  }

  private void release(LockFile.Held held, SpoolProblems problems) {
    try {
      held.close();
    } catch (IOException e) {
      problems.warn("cannot release the spool lock " + lockFile() + " (" + e + ")");
    }
  }

  private void createDirectory() throws IOException {
    if (Files.isDirectory(directory)) {
      return;
    }
    try {
      Files.createDirectories(directory.getParent());
      Files.createDirectory(directory, SpoolFiles.ownerOnlyDirectory());
    } catch (FileAlreadyExistsException e) {
      // another process made it first
    }
  }

  /** Moves a spooled run that cannot be used to {@code corrupt/}, where a user can look at it. */
  void setAside(Path file, String why, SpoolProblems problems) throws IOException {
    setAside(file, "spooled run " + file.getFileName(), why, problems);
  }

  private void setAside(Path file, String what, String why, SpoolProblems problems) throws IOException {
    Path aside = directory.resolve(CORRUPT);
    Files.createDirectories(aside, SpoolFiles.ownerOnlyDirectory());
    Files.move(file, aside.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
    problems.setAside(what, aside, why);
  }

  static PushException withSuffix(PushException e, String suffix) {
    if (e instanceof GatewayRejectedException) {
      GatewayRejectedException r = (GatewayRejectedException) e;
      return new GatewayRejectedException(e.getMessage() + suffix, r.status(), r.reason());
    }
    if (e instanceof GatewayUnreachableException) {
      return new GatewayUnreachableException(e.getMessage() + suffix, e.getCause());
    }
    return new PushException(e.getMessage() + suffix, e.getCause());
  }
}
