package io.github.batchpush;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.Writer;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A directory of runs that could not be delivered yet, one file each, named so that names sort by the time the run
 * finished. Every delivery through the spool holds its lock (a lock within this JVM, then an OS file lock on
 * {@code .lock}, shared with other processes), writes its own run to the spool, then replays the spooled runs of its
 * gateway oldest first, its own among them; so two cron jobs finishing at once never lose, duplicate or reorder a
 * run, and a process killed mid-push leaves its run behind. Each run file names the gateway it is for: jobs of
 * several gateways may share a spool (the default one is per user).
 *
 * <p>The spool also remembers, per gateway and group, the finish time of the newest run it delivered
 * ({@code .delivered}), so a run that turns up late never overwrites a newer one: of an older run, only a
 * last-success time newer than the one delivered is still sent.
 */
final class Spool {
  private static final Map<Path, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();
  private static final String SUFFIX = ".run";
  private static final long PID = ProcessHandle.current().pid();
  private static final java.util.concurrent.atomic.AtomicLong SEQUENCE = new java.util.concurrent.atomic.AtomicLong();
  private static final Logger LOG = LoggerFactory.getLogger(Spool.class);

  private final Path directory;
  private final int maxRuns;
  private final Duration maxAge;
  private final Clock clock;
  private volatile boolean tidied;
  private volatile Path realDirectory;

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

  /**
   * Replays what is spooled, then POSTs {@code push}. Whatever could not be delivered by the deadline is spooled, and
   * the exception says so.
   */
  void deliver(Push push, Delivery delivery, long deadlineNanos) {
    // A job cancelled with Future.cancel(true), or stopped by its framework, closes its run with the interrupt flag
    // set; with it, every wait below would give up at once and the run would only be spooled. The deadline still
    // bounds the delivery, and the flag is back when it ends.
    boolean interrupted = Thread.interrupted();
    try {
      deliverUninterrupted(push, delivery, deadlineNanos);
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void deliverUninterrupted(Push push, Delivery delivery, long deadlineNanos) {
    try (Held held = lock(deadlineNanos)) {
      if (held == null) {
        String where = spoolOrLose(push, gatewayOf(delivery));
        throw new PushException("run " + push.group() + " not delivered: another delivery holds the spool lock in "
            + directory + " past the deadline; " + where, null);
      }
      String gateway = gatewayOf(delivery);
      if (runs().isEmpty()) {
        deliverAlone(push, delivery, deadlineNanos, held, gateway);
        return;
      }
      // Spooled before the first byte goes out, so that a process killed mid-push (SIGKILL, the OOM killer, a
      // reboot) leaves its run here for the next delivery instead of losing it. Sending a run twice is harmless:
      // a POST of the same values is idempotent, and it is replayed before anything newer.
      Path own;
      try {
        own = write(push, gateway, true);
      } catch (IOException e) {
        deliverUnspooled(push, delivery, deadlineNanos, held, e);
        return;
      }
      Replay replay = replay(delivery, deadlineNanos, held, own, push, null);
      if (replay.ownRejected != null) {
        // The gateway will refuse these samples again; spooling would only block the queue.
        throw withSuffix(replay.ownRejected, "; this run is NOT spooled, since the gateway will keep refusing it");
      }
      if (Files.exists(own)) {
        // Its own group's refusal when it had one: another group's would blame the wrong job.
        PushException why = replay.refused.get(groupKey(push, delivery));
        if (why == null) {
          why = replay.stoppedBy;
        }
        if (why == null) {
          why = new PushException("run " + push.group() + " not delivered", null);
        }
        throw withSuffix(why, "; run spooled to " + own + " for the next delivery");
      }
    } catch (IOException e) {
      // The spool itself is unusable (not creatable, not writable): deliver without it.
      LOG.warn("batchpush: spool {} unusable ({}); delivering without it", directory, e.toString());
      try {
        delivery.pushAdd(push, deadlineNanos);
      } catch (PushException pe) {
        throw withSuffix(pe, "; run LOST: the spool " + directory + " is unusable");
      }
    }
  }

  /**
   * The spool holds runs but cannot take this one (a full disk): the older runs still go first, and this one is
   * recorded as delivered, so that no later replay puts their older values over it. Lost, loudly, when it cannot be
   * delivered now.
   */
  private void deliverUnspooled(Push push, Delivery delivery, long deadlineNanos, Held held, IOException why)
      throws IOException {
    LOG.warn("batchpush: cannot write run {} to the spool {} ({}); delivering it after the spooled runs",
        push.group(), directory, why.toString());
    String lost = "; run LOST: the spool " + directory + " cannot take it (" + why + ")";
    Replay replay = replay(delivery, deadlineNanos, held, null, null, null);
    if (!replay.finished) {
      throw withSuffix(replay.stoppedBy, lost);
    }
    // Sent even when an older run of its group was refused: the index trims that one whenever it goes out.
    try {
      send(push, delivery, deadlineNanos, held);
    } catch (PushException e) {
      throw withSuffix(e, lost);
    }
  }

  /**
   * The common case, nothing spooled: the run is journaled in flight (a process killed mid-push leaves it for the
   * next delivery), sent, and spooled only when that failed.
   */
  private void deliverAlone(Push push, Delivery delivery, long deadlineNanos, Held held, String gateway)
      throws IOException {
    held.journal(push, gateway);
    try {
      send(push, delivery, deadlineNanos, held);
    } catch (GatewayRejectedException e) {
      if (e.status() == 400) {
        held.clearInFlight();
        // The gateway will refuse these samples again; spooling would only block the queue.
        throw withSuffix(e, "; this run is NOT spooled, since the gateway will keep refusing it");
      }
      throw withSuffix(e, "; " + spoolInFlight(push, gateway, held));
    } catch (PushException e) {
      throw withSuffix(e, "; " + spoolInFlight(push, gateway, held));
    } catch (RuntimeException e) {
      held.clearInFlight();
      throw new PushException("run " + push.group() + " is malformed and NOT spooled: " + e, e);
    }
    held.clearInFlight();
  }

  private String spoolInFlight(Push push, String gateway, Held held) {
    try {
      Path file = write(push, gateway, true);
      held.clearInFlight();
      return "run spooled to " + file + " for the next delivery";
    } catch (IOException | RuntimeException e) {
      // Still in flight in the journal: the next delivery spools it from there.
      LOG.error("batchpush: cannot write run {} to the spool {}: {}", push.group(), directory, e.toString());
      return "run kept in the spool's journal " + directory.resolve(".lock") + " (" + e + ")";
    }
  }

  /**
   * Replays the spool now, for {@code batchpush flush} and start-up; with {@code adoptFrom}, the runs spooled for
   * that other gateway URL go to this one as well.
   */
  SpoolReport replay(Delivery delivery, long deadlineNanos, String adoptFrom) {
    boolean interrupted = Thread.interrupted();
    try (Held held = lock(deadlineNanos)) {
      if (held == null) {
        return new SpoolReport(0, runs().size(), Map.of(), 0, 0, new PushException(
            "another delivery holds the spool lock in " + directory + "; try again later", null));
      }
      Replay r = replay(delivery, deadlineNanos, held, null, null, adoptFrom);
      Map<URI, Integer> others = new TreeMap<>();
      int waiting = waitingFor(gatewayOf(delivery), adoptFrom, others);
      return new SpoolReport(r.delivered, waiting, others, r.dropped, r.setAside, r.stoppedBy);
    } catch (IOException e) {
      return new SpoolReport(0, 0, Map.of(), 0, 0, new PushException("spool " + directory + " unusable: " + e, e));
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static final class Replay {
    int delivered;
    int dropped;
    int setAside;
    PushException stoppedBy;
    /** Every run was tried (some groups may have been refused); false when the replay stopped early. */
    boolean finished;
    GatewayRejectedException ownRejected;
    /** Groups the gateway refused for good in this replay (a proxy's 403 for one job, a 413 for one big run). */
    final Map<String, GatewayRejectedException> refused = new HashMap<>();
  }

  /**
   * Replays the spool oldest first; {@code own} is the file of the run being delivered now, and {@code ownPush} that
   * run, or both null.
   */
  private Replay replay(Delivery delivery, long deadlineNanos, Held held, Path own, Push ownPush, String adoptFrom)
      throws IOException {
    Replay r = new Replay();
    if (own == null || !tidied) {
      // A listing per delivery is cheap, but once per instance is enough for files abandoned an hour ago.
      removeAbandonedTemporaryFiles();
      tidied = true;
    }
    List<Path> runs = runs();
    // Bounded here, under the lock, rather than when writing: the drops are counted in the report.
    int excess = runs.size() - maxRuns;
    if (excess > 0) {
      for (Path file : runs.subList(0, excess)) {
        Files.deleteIfExists(file);
      }
      r.dropped += excess;
      LOG.error("batchpush: spool {} is full (limit {} runs): DROPPED the {} oldest", directory, maxRuns,
          excess);
      runs = runs.subList(excess, runs.size());
    }
    Instant oldestKept = clock.instant().minus(maxAge);
    String gateway = gatewayOf(delivery);
    // A group refused for good waits, the other groups go on: order across groups does not matter, and within a
    // group the delivered index keeps an older run from overwriting a newer one whenever it is sent.
    int firstRefusedStatus = 0;
    String firstRefusedJob = null;
    for (Path file : runs) {
      if (System.nanoTime() >= deadlineNanos) {
        r.stoppedBy = new GatewayUnreachableException("the deadline passed while replaying the spool " + directory,
            null);
        return r;
      }
      Push spooled;
      String spooledFor;
      if (file.equals(own)) {
        // Just written from memory: no need to read it back.
        spooled = ownPush;
        spooledFor = gateway;
      } else try {
        Properties p = load(file);
        spooled = fromProperties(p, "");
        spooledFor = p.getProperty("gateway");
      } catch (IOException | RuntimeException e) {
        setAside(file, "corrupt", "unreadable (" + e + ")");
        r.setAside++;
        continue;
      }
      if (spooled.finishedAt.isBefore(oldestKept)) {
        Files.deleteIfExists(file);
        r.dropped++;
        LOG.error("batchpush: DROPPED spooled run {} of {}: older than the spool's limit of {}",
            spooled.group(), spooled.finishedAt, maxAge);
        continue;
      }
      if (!takes(spooledFor, gateway, adoptFrom)) {
        // Spooled by a job of another gateway sharing this spool (the default one is per user): it waits for a
        // delivery to that gateway, and must not block or be sent to this one.
        continue;
      }
      String group = groupKey(spooled, delivery);
      if (r.refused.containsKey(group)) {
        continue;
      }
      try {
        send(spooled, delivery, deadlineNanos, held);
      } catch (GatewayRejectedException e) {
        if (e.status() != 400) {
          r.stoppedBy = e;
          if (e.isTransient()
              || firstRefusedJob != null && e.status() == firstRefusedStatus && !spooled.job.equals(firstRefusedJob)) {
            // Overloaded, or a second job refused the same way (wrong credentials): the rest would fare no better.
            return r;
          }
          if (firstRefusedJob == null) {
            firstRefusedStatus = e.status();
            firstRefusedJob = spooled.job;
          }
          r.refused.put(group, e);
          LOG.warn("batchpush: spooled run {} refused ({}); it stays spooled, the other groups go on",
              spooled.group(), e.getMessage());
          continue;
        }
        if (file.equals(own)) {
          Files.deleteIfExists(file);
          r.ownRejected = e;
          continue;
        }
        setAside(file, "rejected", e.getMessage());
        r.setAside++;
        continue;
      } catch (PushException e) {
        r.stoppedBy = e;
        return r;
      } catch (RuntimeException e) {
        // A malformed run (a hand-edited file, a bug of ours) must not block every run behind it.
        if (file.equals(own)) {
          Files.deleteIfExists(file);
          r.ownRejected = new GatewayRejectedException("run " + spooled.group() + " is malformed: " + e, 0,
              e.toString());
          continue;
        }
        setAside(file, "corrupt", "malformed (" + e + ")");
        r.setAside++;
        continue;
      }
      Files.deleteIfExists(file);
      r.delivered++;
    }
    r.finished = true;
    return r;
  }

  /** Per gateway: the same job pushed to a second gateway is news there, however old. */
  private static String groupKey(Push push, Delivery delivery) {
    return gatewayOf(delivery) + " " + GroupingKeyPath.of(push.job, push.labels);
  }

  /** Sends one run, trimmed to what is newer than what this spool already delivered for its group. */
  private void send(Push push, Delivery delivery, long deadlineNanos, Held held) throws PushException {
    String group = groupKey(push, delivery);
    long[] newest = held.delivered.getOrDefault(group, new long[] {Long.MIN_VALUE, Long.MIN_VALUE});
    long finished = push.finishedAt.toEpochMilli();
    Push toSend = push;
    if (finished < newest[0]) {
      // Older than what went out already: of it, only a newer last success is still news.
      Double lastSuccess = push.lastSuccess();
      if (lastSuccess == null || lastSuccess * 1000 <= newest[1]) {
        return;
      }
      toSend = push.onlyLastSuccess();
    }
    delivery.pushAdd(toSend, deadlineNanos);
    long success = newest[1];
    if (toSend.lastSuccess() != null) {
      success = Math.max(success, (long) (toSend.lastSuccess() * 1000));
    }
    held.delivered.put(group, new long[] {Math.max(newest[0], finished), success});
    held.dirty = true;
  }

  /** Writes the run to the spool; returns the clause the log line ends with. */
  private String spoolOrLose(Push push, String gateway) {
    try {
      Path file = write(push, gateway, false);
      return "run spooled to " + file + " for the next delivery";
    } catch (IOException | RuntimeException e) {
      LOG.error("batchpush: run {} LOST: cannot write it to the spool {}: {}", push.group(), directory,
          e.toString());
      return "run LOST: the spool " + directory + " is not writable (" + e + ")";
    }
  }

  /**
   * Spools {@code push} for {@code gateway}; a run spooled without a gateway is replayed to any. Holding the lock,
   * the file is written in place: every reader holds the lock too, and a rename costs as much as the rest of the
   * write. Without it, the file is written under a temporary name and renamed, so no reader sees half of it.
   */
  Path write(Push push, String gateway, boolean locked) throws IOException {
    createDirectory();
    Properties p = new Properties();
    toProperties(p, push, gateway, "");
    Instant t = push.finishedAt;
    String name = zeroPadded(t.getEpochSecond(), 12) + zeroPadded(t.getNano(), 9) + "-" + uniqueSuffix() + SUFFIX;
    Path file = directory.resolve(name);
    Path target = locked ? file : directory.resolve(".tmp-" + uniqueSuffix());
    try (Writer w = Files.newBufferedWriter(Files.createFile(target, ownerOnlyFile()), StandardCharsets.UTF_8)) {
      w.write(format(p));
    } catch (IOException e) {
      // A full disk leaves an empty or cut file behind; under its final name it would pass for a corrupt run.
      Files.deleteIfExists(target);
      throw e;
    }
    if (!locked) {
      Files.move(target, file, StandardCopyOption.ATOMIC_MOVE);
    }
    return file;
  }

  /**
   * The properties in {@link Properties#load(Reader)} format. Not {@link Properties#store}: its date comment loads
   * the time-zone database, some 10 ms of a short-lived CLI's start-up.
   */
  static String format(Properties p) {
    StringBuilder out = new StringBuilder();
    for (String key : new java.util.TreeSet<>(p.stringPropertyNames())) {
      escape(out, key);
      out.append('=');
      escape(out, p.getProperty(key));
      out.append('\n');
    }
    return out.toString();
  }

  private static void escape(StringBuilder out, String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '\\': out.append("\\\\"); break;
        case '\n': out.append("\\n"); break;
        case '\r': out.append("\\r"); break;
        case '\t': out.append("\\t"); break;
        case '\f': out.append("\\f"); break;
        case ' ': case '=': case ':': case '#': case '!': out.append('\\').append(c); break;
        default:
          if (c < 0x20 || c == 0x7f) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
      }
    }
  }

  private static void toProperties(Properties p, Push push, String gateway, String prefix) {
    p.setProperty(prefix + "version", "1");
    p.setProperty(prefix + "metricPrefix", push.metricPrefix);
    if (gateway != null) {
      p.setProperty(prefix + "gateway", gateway);
    }
    p.setProperty(prefix + "job", push.job);
    p.setProperty(prefix + "finishedAt", push.finishedAt.toString());
    int i = 0;
    for (Map.Entry<String, String> label : push.labels.entrySet()) {
      p.setProperty(prefix + "label." + i + ".name", label.getKey());
      p.setProperty(prefix + "label." + i++ + ".value", label.getValue());
    }
    i = 0;
    for (Push.Sample s : push.samples) {
      String key = prefix + "sample." + i++ + ".";
      p.setProperty(key + "name", s.name);
      p.setProperty(key + "help", s.help);
      p.setProperty(key + "value", Double.toString(s.value));
      if (s.labelName != null) {
        p.setProperty(key + "labelName", s.labelName);
        p.setProperty(key + "labelValue", s.labelValue);
      }
    }
  }

  private static String zeroPadded(long n, int width) {
    String digits = Long.toString(n);
    return "0".repeat(Math.max(0, width - digits.length())) + digits;
  }

  /**
   * Unique among the files of this spool: pid, a per-JVM counter and the time. Not {@link UUID#randomUUID()}, whose
   * SecureRandom costs a short-lived CLI milliseconds of seeding.
   */
  private static String uniqueSuffix() {
    return PID + "-" + SEQUENCE.incrementAndGet() + "-" + Long.toHexString(System.nanoTime());
  }

  private static Properties load(Path file) throws IOException {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    }
    return p;
  }

  private static Push fromProperties(Properties p, String prefix) throws IOException {
    if (!"1".equals(p.getProperty(prefix + "version"))) {
      throw new IOException("unknown spool format version " + p.getProperty(prefix + "version"));
    }
    Map<String, String> labels = new LinkedHashMap<>();
    for (int i = 0; p.containsKey(prefix + "label." + i + ".name"); i++) {
      labels.put(required(p, prefix + "label." + i + ".name"), required(p, prefix + "label." + i + ".value"));
    }
    List<Push.Sample> samples = new ArrayList<>();
    for (int i = 0; p.containsKey(prefix + "sample." + i + ".name"); i++) {
      String key = prefix + "sample." + i + ".";
      samples.add(new Push.Sample(required(p, key + "name"), required(p, key + "help"),
          p.getProperty(key + "labelName"), p.getProperty(key + "labelValue"),
          Double.parseDouble(required(p, key + "value"))));
    }
    if (samples.isEmpty()) {
      throw new IOException("no samples");
    }
    String metricPrefix = p.getProperty(prefix + "metricPrefix");
    return new Push(metricPrefix != null ? metricPrefix : Push.prefixOf(samples), required(p, prefix + "job"), labels,
        samples,
        Instant.parse(required(p, prefix + "finishedAt")));
  }

  private static String required(Properties p, String key) throws IOException {
    String v = p.getProperty(key);
    if (v == null) {
      throw new IOException("missing " + key);
    }
    return v;
  }

  private static String gatewayOf(Delivery delivery) {
    return delivery.sink().gateway().toString();
  }

  /**
   * Whether a delivery to {@code gateway} (adopting the runs of {@code adoptFrom}, or of none when null) sends a run
   * spooled for {@code spooledFor}; a run spooled without a gateway goes to any.
   */
  private static boolean takes(String spooledFor, String gateway, String adoptFrom) {
    return spooledFor == null || spooledFor.equals(gateway) || spooledFor.equals(adoptFrom);
  }

  /**
   * How many spooled runs wait for {@code gateway} or {@code adoptFrom} (or for any gateway; unreadable ones
   * included); how many wait for which other gateway goes to {@code others}.
   */
  private int waitingFor(String gateway, String adoptFrom, Map<URI, Integer> others) throws IOException {
    int n = 0;
    for (Path file : runs()) {
      try {
        String spooledFor = load(file).getProperty("gateway");
        if (takes(spooledFor, gateway, adoptFrom)) {
          n++;
        } else {
          others.merge(URI.create(spooledFor), 1, Integer::sum);
        }
      } catch (IOException | RuntimeException e) {
        n++;
      }
    }
    return n;
  }

  /**
   * Deletes the half-written runs of processes killed while writing one. Only old ones: a younger one may be
   * another process's, written without the lock when the lock could not be had in time.
   */
  private void removeAbandonedTemporaryFiles() throws IOException {
    Instant abandoned = Instant.now().minus(Duration.ofHours(1));
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(directory, ".tmp-*")) {
      for (Path p : dir) {
        try {
          if (Files.getLastModifiedTime(p).toInstant().isBefore(abandoned)) {
            Files.deleteIfExists(p);
          }
        } catch (NoSuchFileException gone) {
          // its writer finished it meanwhile
        }
      }
    }
  }

  /** The spooled runs, oldest first. */
  List<Path> runs() throws IOException {
    List<Path> runs = new ArrayList<>();
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(directory, "*" + SUFFIX)) {
      for (Path p : dir) {
        if (!p.getFileName().toString().startsWith(".")) {
          runs.add(p);
        }
      }
    } catch (NoSuchFileException e) {
      return List.of();
    }
    Collections.sort(runs);
    return runs;
  }

  private void setAside(Path file, String why, String detail) throws IOException {
    Path aside = directory.resolve(why);
    if (!Files.isDirectory(aside)) {
      Files.createDirectories(aside, ownerOnlyDirectory());
    }
    Files.move(file, aside.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
    LOG.error("batchpush: spooled run {} moved to {}/: {}", file.getFileName(), aside, detail);
  }

  private void createDirectory() throws IOException {
    if (Files.isDirectory(directory)) {
      return;
    }
    try {
      Files.createDirectories(directory.getParent());
      Files.createDirectory(directory, ownerOnlyDirectory());
    } catch (FileAlreadyExistsException e) {
      // another process made it first
    }
  }

  /** Takes the JVM lock, then the file lock, giving up at the deadline; null when the deadline passed first. */
  private Held lock(long deadlineNanos) throws IOException {
    createDirectory();
    // Keyed by the real path: two instances reaching the spool through a symlink must share the lock, or the second
    // one's tryLock() throws OverlappingFileLockException.
    Path real = realDirectory;
    if (real == null) {
      real = directory.toRealPath();
      realDirectory = real;
    }
    ReentrantLock jvmLock = JVM_LOCKS.computeIfAbsent(real, d -> new ReentrantLock());
    try {
      if (!jvmLock.tryLock(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS)) {
        return null;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
    FileChannel channel = null;
    try {
      channel = FileChannel.open(directory.resolve(".lock"),
          java.util.Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE),
          ownerOnlyFile());
      FileLock fileLock;
      while ((fileLock = tryLock(channel)) == null) {
        if (System.nanoTime() >= deadlineNanos) {
          channel.close();
          jvmLock.unlock();
          return null;
        }
        Thread.sleep(5);
      }
      return new Held(jvmLock, channel, fileLock);
    } catch (IOException | RuntimeException | InterruptedException e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      if (channel != null) {
        channel.close();
      }
      jvmLock.unlock();
      if (e instanceof IOException) {
        throw (IOException) e;
      }
      if (e instanceof RuntimeException) {
        throw (RuntimeException) e;
      }
      return null;
    }
  }

  /** The file lock, or null while another process (or, through some other path, this JVM) holds it. */
  private static FileLock tryLock(FileChannel channel) throws IOException {
    try {
      return channel.tryLock();
    } catch (OverlappingFileLockException e) {
      return null;
    }
  }

  /**
   * The lock, and the journal kept in the lock file itself (already open and locked, so reading and writing it costs
   * a system call or two, where a file of its own would cost an open, a rename and a close per delivery): the
   * delivered-index, and the run in flight. A run in flight is there from before its first byte goes out until it
   * was delivered or spooled; one found there belonged to a delivery killed mid-push, and is spooled.
   */
  private final class Held implements AutoCloseable {
    private static final String DELIVERED = "delivered.";
    private static final String IN_FLIGHT = "inflight.";

    final ReentrantLock jvmLock;
    final FileChannel channel;
    final FileLock fileLock;
    final Map<String, long[]> delivered = new LinkedHashMap<>();
    private Push inFlight;
    private String inFlightGateway;
    boolean dirty;

    Held(ReentrantLock jvmLock, FileChannel channel, FileLock fileLock) throws IOException {
      this.jvmLock = jvmLock;
      this.channel = channel;
      this.fileLock = fileLock;
      read();
    }

    private void read() throws IOException {
      long size = channel.size();
      if (size == 0) {
        return;
      }
      ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(size, 16 << 20));
      while (buffer.hasRemaining() && channel.read(buffer, buffer.position()) > 0) {
        // read it all
      }
      Properties p = new Properties();
      try {
        p.load(new StringReader(new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8)));
      } catch (IOException | RuntimeException e) {
        LOG.warn("batchpush: ignoring unreadable journal {} ({})", directory.resolve(".lock"), e.toString());
        dirty = true;
        return;
      }
      for (String key : p.stringPropertyNames()) {
        if (key.startsWith(DELIVERED)) {
          try {
            String[] v = p.getProperty(key).split(",");
            delivered.put(key.substring(DELIVERED.length()), new long[] {Long.parseLong(v[0]), Long.parseLong(v[1])});
          } catch (RuntimeException e) {
            // one bad line costs that group's stale-run guard, nothing else
            dirty = true;
          }
        }
      }
      if (p.getProperty(IN_FLIGHT + "job") != null) {
        Push killed;
        try {
          killed = fromProperties(p, IN_FLIGHT);
        } catch (IOException | RuntimeException e) {
          LOG.error("batchpush: run in flight in {} LOST: unreadable ({})", directory.resolve(".lock"),
              e.toString());
          dirty = true;
          return;
        }
        // If this write fails, the IOException leaves the journal as it is: the run stays in flight for a delivery
        // that can spool it, and this one goes on without the spool.
        Path file = Spool.this.write(killed, p.getProperty(IN_FLIGHT + "gateway"), true);
        LOG.warn("batchpush: a delivery was killed while pushing {}; spooled it to {}", killed.group(), file);
        dirty = true;
      }
    }

    /** Records {@code push} as in flight, durably enough to survive this process being killed. */
    void journal(Push push, String gateway) throws IOException {
      inFlight = push;
      inFlightGateway = gateway;
      store();
    }

    void clearInFlight() {
      inFlight = null;
      dirty = true;
    }

    private void store() throws IOException {
      Properties p = new Properties();
      delivered.forEach((group, v) -> p.setProperty(DELIVERED + group, v[0] + "," + v[1]));
      if (inFlight != null) {
        toProperties(p, inFlight, inFlightGateway, IN_FLIGHT);
      }
      byte[] content = format(p).getBytes(StandardCharsets.UTF_8);
      long size = channel.size();
      // Truncating is the slowest file operation here (it frees blocks), so a shorter journal is padded with blank
      // lines, which Properties.load skips, unless that would waste more than 64 KiB.
      boolean pad = content.length < size && size - content.length <= 65536;
      ByteBuffer bytes = ByteBuffer.allocate(pad ? (int) size : content.length).put(content);
      while (bytes.hasRemaining()) {
        bytes.put((byte) '\n');
      }
      bytes.flip();
      while (bytes.hasRemaining()) {
        channel.write(bytes, bytes.position());
      }
      if (!pad && content.length < size) {
        channel.truncate(content.length);
      }
      dirty = false;
    }

    @Override
    public void close() throws IOException {
      try {
        if (dirty) {
          store();
        }
      } finally {
        try {
          channel.close(); // releases the file lock too, even where release() would throw
        } finally {
          jvmLock.unlock();
        }
      }
    }
  }

  private static PushException withSuffix(PushException e, String suffix) {
    if (e instanceof GatewayRejectedException) {
      GatewayRejectedException r = (GatewayRejectedException) e;
      return new GatewayRejectedException(e.getMessage() + suffix, r.status(), r.reason());
    }
    if (e instanceof GatewayUnreachableException) {
      return new GatewayUnreachableException(e.getMessage() + suffix, e.getCause());
    }
    return new PushException(e.getMessage() + suffix, e.getCause());
  }

  private static java.nio.file.attribute.FileAttribute<?>[] ownerOnlyFile() {
    return posix() ? new java.nio.file.attribute.FileAttribute<?>[] {
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
        : new java.nio.file.attribute.FileAttribute<?>[0];
  }

  private static java.nio.file.attribute.FileAttribute<?>[] ownerOnlyDirectory() {
    return posix() ? new java.nio.file.attribute.FileAttribute<?>[] {
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"))}
        : new java.nio.file.attribute.FileAttribute<?>[0];
  }

  private static boolean posix() {
    return java.nio.file.FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  }

}
