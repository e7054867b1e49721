package io.github.batchpush;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The spool's files: how a run file is named and written, and how any spool file is read.
 *
 * <pre>{@code
 * Path file = SpoolFiles.writeRun(queueDirectory, push, "http://gw:9091");   // 001764064805123456789-4711-1-1a2b.run
 * SpoolFiles.Run run = SpoolFiles.readRun(file);                          // run.push(), run.gateway()
 * }</pre>
 *
 * <p>A run file is named {@code <seconds, 12 digits><nanoseconds, 9 digits>-<pid>-<counter>-<nanoTime>.run} after
 * the time the run finished, so names sort oldest first and the age of a run shows without opening it. Its content
 * is {@link Properties} text, format {@code version=1} (the same since the first spooled run). It is written under a
 * temporary name and renamed, so no reader ever sees half of one, whatever kills the writer.
 *
 * <p>Every read is bounded and refuses special files: a FIFO would block {@code open()} forever, {@code /dev/zero}
 * or a huge file would fill the heap.
 */
final class SpoolFiles {
  static final String RUN_SUFFIX = ".run";
  static final String TEMPORARY_PREFIX = ".tmp-";
  /** Far more than any run takes (a few KiB), far less than a small heap holds. */
  static final int MAX_RUN_BYTES = 4 << 20;

  private static final long PID = ProcessHandle.current().pid();
  private static final AtomicLong SEQUENCE = new AtomicLong();
  private static final int TIME_DIGITS = 21;

  private SpoolFiles() {}

  /** A spool file that cannot be taken as what it should be: it is set aside, with this message as the reason. */
  static final class UnreadableException extends IOException {
    private static final long serialVersionUID = 1L;

    UnreadableException(String message) {
      super(message);
    }
  }

  /** A spooled run and the gateway it is for (null in the oldest files: it then goes to any). */
  record Run(Push push, String gateway) {}

  /** The finish time a run file's name gives, or null when the name is not a run's. */
  static Instant finishedAt(String fileName) {
    if (!fileName.endsWith(RUN_SUFFIX) || fileName.length() < TIME_DIGITS + RUN_SUFFIX.length()) {
      return null;
    }
    for (int i = 0; i < TIME_DIGITS; i++) {
      if (!Character.isDigit(fileName.charAt(i))) {
        return null;
      }
    }
    return Instant.ofEpochSecond(Long.parseLong(fileName.substring(0, 12)),
        Long.parseLong(fileName.substring(12, TIME_DIGITS)));
  }

  /** Writes {@code push}, spooled for {@code gateway}, to a new file in {@code directory}. */
  static Path writeRun(Path directory, Push push, String gateway) throws IOException {
    Properties p = new Properties();
    toProperties(p, push, gateway, "");
    Instant t = push.finishedAt;
    String name = zeroPadded(t.getEpochSecond(), 12) + zeroPadded(t.getNano(), 9) + "-" + uniqueSuffix() + RUN_SUFFIX;
    Path file = directory.resolve(name);
    writeAtomically(file, format(p));
    return file;
  }

  /**
   * Writes {@code content} under a temporary name and renames it to {@code file}: a reader sees all of it or none.
   * A failed write (a full disk, a file size limit) leaves nothing behind.
   */
  static void writeAtomically(Path file, String content) throws IOException {
    Path tmp = file.resolveSibling(TEMPORARY_PREFIX + uniqueSuffix());
    try {
      Files.write(Files.createFile(tmp, ownerOnlyFile()), content.getBytes(StandardCharsets.UTF_8));
      Checkpoints.reached("file-written");
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
  }

  /** Reads and checks a run file. */
  static Run readRun(Path file) throws IOException {
    String text = readText(file, MAX_RUN_BYTES);
    Properties p = new Properties();
    Push push;
    try {
      p.load(new StringReader(text));
      push = fromProperties(p, "");
    } catch (UnreadableException e) {
      throw new UnreadableException("unreadable (" + e.getMessage() + ")");
    } catch (RuntimeException e) {
      throw new UnreadableException("unreadable (" + e + ")");
    }
    try {
      checkSendable(push);
    } catch (RuntimeException e) {
      throw new UnreadableException("malformed (" + e.getMessage() + ")");
    }
    return new Run(push, p.getProperty("gateway"));
  }

  /**
   * The text of a regular file of at most {@code limit} bytes, without following a link (see {@link RegularFiles}).
   *
   * @throws UnreadableException for a special file, a link, or a file past the limit
   */
  static String readText(Path file, int limit) throws IOException {
    try {
      return new String(RegularFiles.read(file, limit, LinkOption.NOFOLLOW_LINKS), StandardCharsets.UTF_8);
    } catch (RegularFiles.Refused e) {
      throw new UnreadableException(e.kind() != null ? e.getMessage()
          : "too large (" + e.size() + " bytes; a spool file has at most " + limit + ")");
    }
  }


  /**
   * Checks what simpleclient and the gateway's path would refuse, so that a malformed file is found when it is read
   * and set aside, and an exception while sending is always the network's or the JDK's.
   */
  private static void checkSendable(Push push) {
    MetricNames.checkJobName(push.job);
    push.labels.keySet().forEach(MetricNames::checkLabelName);
    push.toRegistry();
  }

  /**
   * Unique among the files of this spool: pid, a per-JVM counter and the time. Not {@link java.util.UUID}, whose
   * SecureRandom costs a short-lived CLI milliseconds of seeding.
   */
  static String uniqueSuffix() {
    return PID + "-" + SEQUENCE.incrementAndGet() + "-" + Long.toHexString(System.nanoTime());
  }

  /**
   * A 64-bit hash of {@code text} as 16 hex digits, for file names that stand for a longer key: FNV-1a, then
   * MurmurHash3's finalizer to spread it. Not a {@link java.security.MessageDigest}: loading the security providers
   * costs a short-lived CLI some 25 ms.
   */
  static String hash(String text) {
    long h = 0xcbf29ce484222325L;
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      h = (h ^ (b & 0xff)) * 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    String hex = Long.toHexString(h);
    return "0".repeat(16 - hex.length()) + hex;
  }

  static FileAttribute<?>[] ownerOnlyFile() {
    return posix() ? new FileAttribute<?>[] {
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
        : new FileAttribute<?>[0];
  }

  static FileAttribute<?>[] ownerOnlyDirectory() {
    return posix() ? new FileAttribute<?>[] {
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"))}
        : new FileAttribute<?>[0];
  }

  private static boolean posix() {
    return java.nio.file.FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  }

  /**
   * The properties in {@link Properties#load(java.io.Reader)} format. Not {@link Properties#store}: its date comment
   * loads the time-zone database, some 10 ms of a short-lived CLI's start-up.
   */
  static String format(Properties p) {
    StringBuilder out = new StringBuilder();
    for (String key : new TreeSet<>(p.stringPropertyNames())) {
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

  /** Writes {@code push} under keys starting with {@code prefix} ("" in a run file). */
  static void toProperties(Properties p, Push push, String gateway, String prefix) {
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

  /** Reads a push written by {@link #toProperties}. */
  static Push fromProperties(Properties p, String prefix) throws UnreadableException {
    if (!"1".equals(p.getProperty(prefix + "version"))) {
      throw new UnreadableException("unknown spool format version " + p.getProperty(prefix + "version"));
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
      throw new UnreadableException("no samples");
    }
    String metricPrefix = p.getProperty(prefix + "metricPrefix");
    return new Push(metricPrefix != null ? metricPrefix : Push.prefixOf(samples), required(p, prefix + "job"),
        labels, samples, Instant.parse(required(p, prefix + "finishedAt")));
  }

  private static String required(Properties p, String key) throws UnreadableException {
    String v = p.getProperty(key);
    if (v == null) {
      throw new UnreadableException("missing " + key);
    }
    return v;
  }

  private static String zeroPadded(long n, int width) {
    String digits = Long.toString(n);
    return "0".repeat(Math.max(0, width - digits.length())) + digits;
  }
}
