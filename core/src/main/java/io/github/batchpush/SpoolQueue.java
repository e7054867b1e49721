package io.github.batchpush;

import java.io.IOException;
import java.net.URI;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The runs spooled for one gateway: a directory of the spool named after the gateway's URL
 * ({@code 127.0.0.1_9091-<hash>/}), holding the run files, a file {@code gateway} that names the URL, and the
 * {@link DeliveredIndex} of that gateway.
 *
 * <pre>{@code
 * SpoolQueue queue = SpoolQueue.of(spool, "http://127.0.0.1:9091");
 * Path file = queue.write(push);
 * List<Path> waiting = queue.runs();   // oldest first
 * }</pre>
 *
 * <p>A directory per gateway, because jobs of several gateways may share a spool (the default one is per user):
 * runs waiting for another gateway then cost a delivery nothing, not even a look at their names.
 */
final class SpoolQueue {
  static final String GATEWAY_FILE = "gateway";
  private static final String TIDIED_MARKER = ".tidied";
  private static final Duration TIDY_INTERVAL = Duration.ofHours(1);
  private static final Pattern NAME = Pattern.compile(".+-[0-9a-f]{16}");
  private static final Duration ABANDONED = Duration.ofHours(1);

  private final Path directory;
  private final String gateway;

  /** The queue of {@code gateway} in the spool directory {@code spool}. */
  static SpoolQueue of(Path spool, String gateway) {
    return new SpoolQueue(spool.resolve(directoryName(gateway)), gateway);
  }

  private SpoolQueue(Path directory, String gateway) {
    this.directory = directory;
    this.gateway = gateway;
  }

  /**
   * The queue in {@code directory}, its gateway read from its {@code gateway} file, else from its first readable run
   * (a full disk may have kept that file from being written); null when neither tells.
   */
  static SpoolQueue existing(Path directory) {
    try {
      return new SpoolQueue(directory, URI.create(
          SpoolFiles.readText(directory.resolve(GATEWAY_FILE), 8192).strip()).toString());
    } catch (IOException | RuntimeException e) {
      return fromRuns(directory);
    }
  }

  private static SpoolQueue fromRuns(Path directory) {
    try {
      // Looking only: a census reads queues without the lock, where deleting is not its business.
      List<Path> runs = new SpoolQueue(directory, null).list(null);
      Collections.sort(runs);
      for (Path run : runs) {
        try {
          String gateway = SpoolFiles.readRun(run).gateway();
          if (gateway != null) {
            return new SpoolQueue(directory, gateway);
          }
        } catch (IOException unreadable) {
          // the next one may tell
        }
      }
    } catch (IOException unlisted) {
      // nothing tells
    }
    return null;
  }

  /** Host and port for whoever lists the spool, and a hash of the whole URL to tell apart URLs alike in those. */
  static String directoryName(String gateway) {
    URI uri = URI.create(gateway);
    StringBuilder name = new StringBuilder();
    for (char c : (uri.getHost() + "_" + uri.getPort()).toCharArray()) {
      if (name.length() < 40) {
        name.append(c < 128 && (Character.isLetterOrDigit(c) || c == '.' || c == '_') ? c : '_');
      }
    }
    return name.append('-').append(SpoolFiles.hash(gateway)).toString();
  }

  static boolean isQueueName(String name) {
    return NAME.matcher(name).matches();
  }

  Path directory() {
    return directory;
  }

  String gateway() {
    return gateway;
  }

  /** This queue's delivered-index, its latest changes in {@code journal} (null: read only, without the lock). */
  DeliveredIndex index(Journal journal, SpoolProblems problems) {
    return new DeliveredIndex(directory.resolve(DeliveredIndex.DIRECTORY), this::create, journal, problems);
  }

  /** The queue directory a journal key ({@code <queue>/<hash>}) names, in the spool directory {@code spool}. */
  static SpoolQueue ofKey(Path spool, String key) {
    return new SpoolQueue(spool.resolve(key.substring(0, key.indexOf('/'))), null);
  }

  /** Writes {@code push} to this queue. */
  Path write(Push push) throws IOException {
    try {
      return SpoolFiles.writeRun(directory, push, gateway);
    } catch (NoSuchFileException e) {
      // A new queue, or an empty one removed by pruning since this process looked.
      create();
      return SpoolFiles.writeRun(directory, push, gateway);
    }
  }

  /** Creates the directory, and the file naming its gateway; without that file the runs still name it. */
  void create() throws IOException {
    Files.createDirectories(directory.getParent());
    if (!Files.isDirectory(directory)) {
      Files.createDirectories(directory, SpoolFiles.ownerOnlyDirectory());
    }
    if (!Files.exists(directory.resolve(GATEWAY_FILE))) {
      try {
        SpoolFiles.writeAtomically(directory.resolve(GATEWAY_FILE), gateway + "\n");
      } catch (IOException full) {
        // a full disk: runs carry their gateway themselves
      }
    }
  }

  /**
   * The spooled runs, oldest first; also deletes what writers killed mid-write left behind an hour ago (younger ones
   * may be another process's, written without the lock).
   */
  List<Path> runs() throws IOException {
    List<Path> runs = list(Instant.now().minus(ABANDONED));
    Collections.sort(runs);
    return runs;
  }

  /**
   * Deletes the runs of the group {@code job} plus {@code labels} from this queue, and tells how many there were. A
   * file that cannot be read is left for the next delivery, which sets it aside.
   */
  int dropGroup(String job, Map<String, String> labels) throws IOException {
    int dropped = 0;
    for (Path file : runsOf(job, labels)) {
      if (Files.deleteIfExists(file)) {
        dropped++;
      }
    }
    return dropped;
  }

  /** The run files of the group {@code job} plus {@code labels}, looking only. */
  List<Path> runsOf(String job, Map<String, String> labels) throws IOException {
    List<Path> runs = new ArrayList<>();
    for (Path file : list(null)) {
      Push push;
      try {
        push = SpoolFiles.readRun(file).push();
      } catch (NoSuchFileException | SpoolFiles.UnreadableException goneOrUnreadable) {
        continue;
      }
      if (push.job.equals(job) && push.labels.equals(labels)) {
        runs.add(file);
      }
    }
    return runs;
  }

  /** How many runs wait in this queue, looking only: unlike {@link #runs()}, it deletes nothing. */
  int count() throws IOException {
    return list(null).size();
  }

  /** The run files, unsorted; deletes temporary files older than {@code abandoned} unless it is null. */
  private List<Path> list(Instant abandoned) throws IOException {
    List<Path> runs = new ArrayList<>();
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(directory)) {
      for (Path p : dir) {
        String name = p.getFileName().toString();
        if (name.startsWith(SpoolFiles.TEMPORARY_PREFIX)) {
          if (abandoned != null) {
            deleteIfOlder(p, abandoned);
          }
        } else if (name.endsWith(SpoolFiles.RUN_SUFFIX) && !name.startsWith(".")) {
          runs.add(p);
        }
      }
    } catch (NoSuchFileException e) {
      return new ArrayList<>();
    }
    return runs;
  }

  private static void deleteIfOlder(Path p, Instant abandoned) throws IOException {
    try {
      if (Files.getLastModifiedTime(p).toInstant().isBefore(abandoned)) {
        Files.deleteIfExists(p);
      }
    } catch (NoSuchFileException gone) {
      // its writer finished it meanwhile
    }
  }

  /**
   * At most once an hour by {@code now}: prunes the index of groups not delivered within {@code maxAge}, and, for
   * another gateway's queue (whose runs no delivery of this one looks at), drops its runs past that age and removes
   * the queue once nothing is left in it. Returns whether it did.
   */
  boolean tidyIfDue(Instant now, Duration maxAge, boolean another, SpoolProblems problems) throws IOException {
    if (!tidyDue(directory, now)) {
      return false;
    }
    Instant cutoff = now.minus(maxAge);
    boolean indexEmpty = index(null, problems).prune(cutoff);
    if (another && dropRunsBefore(cutoff, maxAge, problems) && indexEmpty && remove()) {
      return true;
    }
    Path marker = directory.resolve(TIDIED_MARKER);
    try {
      Files.createFile(marker, SpoolFiles.ownerOnlyFile());
    } catch (FileAlreadyExistsException e) {
      // touched below
    }
    Files.setLastModifiedTime(marker, FileTime.from(now));
    return true;
  }

  /** Whether the queue in {@code directory} was last tidied an hour ago by {@code now}: one look at its marker. */
  static boolean tidyDue(Path directory, Instant now) throws IOException {
    try {
      Instant last = Files.getLastModifiedTime(directory.resolve(TIDIED_MARKER)).toInstant();
      // A marker in the future means the clock was set back: tidy then too.
      return !now.isBefore(last.plus(TIDY_INTERVAL)) || last.isAfter(now);
    } catch (NoSuchFileException e) {
      return Files.isDirectory(directory);
    }
  }

  /** Deletes, loudly, the runs that finished before {@code cutoff}; whether none is left. */
  private boolean dropRunsBefore(Instant cutoff, Duration maxAge, SpoolProblems problems) throws IOException {
    return withinLimits(runs(), Integer.MAX_VALUE, cutoff, maxAge, null, problems).isEmpty();
  }

  /**
   * Drops, loudly, the runs past the limits: the oldest beyond {@code maxRuns}, and those that finished before
   * {@code oldestKept} (told by their names, unread); never {@code keep}, the run just spooled. Returns the others,
   * oldest first, as {@code runs} lists them.
   */
  List<Path> withinLimits(List<Path> runs, int maxRuns, Instant oldestKept, Duration maxAge, Path keep,
      SpoolProblems problems) throws IOException {
    int excess = runs.size() - maxRuns;
    List<Path> kept = new ArrayList<>();
    for (int i = 0; i < runs.size(); i++) {
      Path file = runs.get(i);
      Instant finished = SpoolFiles.finishedAt(file.getFileName().toString());
      if (file.equals(keep)) {
        kept.add(file);
      } else if (i < excess) {
        Files.deleteIfExists(file);
      } else if (finished != null && finished.isBefore(oldestKept)) {
        // Only the first is read, to name it: a backlog aging out at once costs no read per run.
        problems.droppedForAge(() -> describe(file, finished), maxAge);
        Files.deleteIfExists(file);
      } else {
        kept.add(file);
      }
    }
    if (excess > 0) {
      problems.droppedForCount(directory.getParent(), maxRuns, excess);
    }
    return kept;
  }

  /** A dropped run as a log line names it: its group and finish time when it can be read, else its file. */
  private static String describe(Path file, Instant finished) {
    try {
      return SpoolFiles.readRun(file).push().group() + " of " + finished;
    } catch (IOException e) {
      return file.getFileName() + " of " + finished;
    }
  }

  /** Removes the queue, which holds no run and no index entry; false when a run was spooled into it meanwhile. */
  private boolean remove() throws IOException {
    Path index = directory.resolve(DeliveredIndex.DIRECTORY);
    if (Files.isDirectory(index)) {
      Files.delete(index);
    }
    for (String name : new String[] {TIDIED_MARKER, GATEWAY_FILE}) {
      Files.deleteIfExists(directory.resolve(name));
    }
    try {
      Files.delete(directory);
      return true;
    } catch (DirectoryNotEmptyException raced) {
      // A run spooled without the lock while this ran: the queue stays, and says again which gateway it is for.
      create();
      return false;
    }
  }
}
