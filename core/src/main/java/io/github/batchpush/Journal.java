package io.github.batchpush;

import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.zip.CRC32;

/**
 * The spool's journal, kept in its lock file (open and locked already, so a record costs one write): the run in
 * flight, and the latest changes of the delivered-index, which {@link #compactInto} moves into the {@link
 * DeliveredIndex} links now and then. A delivery records its run in flight before it is sent, then, in its place, what
 * the index learned: a process killed at any point leaves the run (spooled by the next delivery) or the record.
 *
 * <pre>{@code
 * Journal journal = Journal.read(held.channel());   // what earlier deliveries left
 * journal.writeInFlight(push, gateway);
 * ... send ...
 * journal.recordDelivered(key, entry);               // replaces the run in flight
 * }</pre>
 *
 * <p>A record is a line {@code batchpush-journal <kind> <bytes> <crc32>} and its body. A write that fails (a full disk,
 * a file size limit) is undone at once; a record cut short by a kill fails its check, and it and all after it are
 * ignored and cut off. Anything without the header is the journal of batchpush 0.1 ({@link LegacySpool}).
 */
final class Journal {
  /** Records of the delivered-index kept here before they go to the index's links. */
  static final int COMPACT_AT = 64;
  private static final String HEADER = "batchpush-journal ";
  private static final String RUN = "run";
  private static final String DELIVERED = "delivered";

  private final FileChannel file;
  /** The index records, by key: their text, decoded when looked up (most never are). */
  private final Map<String, String> delivered = new LinkedHashMap<>();
  private final int deliveredRecords;
  /** Where the valid records end, and how long the file is: past {@code end} lies only what is to be cut off. */
  private long end;
  private long length;
  private long inFlightAt = -1;
  private SpoolFiles.Run leftInFlight;
  private boolean leftCut;
  private String legacyText;

  private Journal(FileChannel file, int deliveredRecords) {
    this.file = file;
    this.deliveredRecords = deliveredRecords;
  }

  /** The journal in {@code lockFile}, as earlier deliveries left it. */
  static Journal read(FileChannel lockFile) throws IOException {
    long size = lockFile.size();
    if (size > SpoolFiles.MAX_RUN_BYTES) {
      throw new SpoolFiles.UnreadableException("too large (" + size + " bytes)");
    }
    ByteBuffer buffer = ByteBuffer.allocate((int) size);
    while (buffer.hasRemaining() && lockFile.read(buffer, buffer.position()) > 0) {
      // read it all
    }
    byte[] bytes = buffer.array();
    int length = buffer.position();
    if (length > 0 && !new String(bytes, 0, Math.min(length, HEADER.length()), StandardCharsets.UTF_8)
        .equals(HEADER)) {
      Journal legacy = new Journal(lockFile, 0);
      legacy.legacyText = new String(bytes, 0, length, StandardCharsets.UTF_8);
      legacy.length = length;
      return legacy;
    }
    return parse(lockFile, bytes, length);
  }

  private static Journal parse(FileChannel lockFile, byte[] bytes, int length) {
    Map<String, String> delivered = new LinkedHashMap<>();
    int records = 0;
    int at = 0;
    int lastStart = -1;
    Record last = null;
    while (at < length) {
      Record r = Record.at(bytes, at, length);
      if (r == null) {
        break;
      }
      int newline = r.body.indexOf('\n');
      if (r.kind.equals(DELIVERED) && newline > 0) {
        delivered.put(r.body.substring(0, newline), r.body.substring(newline + 1));
        records++;
      }
      lastStart = at;
      last = r;
      at = r.end;
    }
    Journal journal = new Journal(lockFile, records);
    journal.delivered.putAll(delivered);
    journal.end = at;
    journal.length = length;
    journal.leftCut = at < length;
    // A run in flight is the last record while it is sent; once delivered, a record of the index takes its place.
    if (last != null && last.kind.equals(RUN)) {
      journal.leftInFlight = last.run();
      journal.inFlightAt = lastStart;
    }
    return journal;
  }

  /** The run of a delivery killed in flight, or null. */
  SpoolFiles.Run leftInFlight() {
    return leftInFlight;
  }

  /** Whether a record was cut short (by a kill while it was written); it, and what followed, are ignored. */
  boolean leftCut() {
    return leftCut;
  }

  /** The journal of batchpush 0.1 the lock file holds instead, or null. */
  String legacyText() {
    return legacyText;
  }

  /** What the journal knows of the index entry {@code key} ({@code <queue>/<group hash>}), or null. */
  DeliveredEntry delivered(String key) {
    String text = delivered.get(key);
    try {
      return text == null ? null : DeliveredEntry.decode(text);
    } catch (RuntimeException damaged) {
      return null; // a record that passed its checksum but not this: written by something else
    }
  }

  /**
   * Forgets what earlier deliveries left besides the index records: a run in flight (spooled by now, or never to be
   * sent), a cut record, an older version's journal (taken over by now).
   */
  void dropLeftovers() throws IOException {
    if (inFlightAt >= 0) {
      end = inFlightAt;
    }
    inFlightAt = -1;
    leftInFlight = null;
    leftCut = false;
    legacyText = null;
    cutOffAfter(end);
  }

  /** Records {@code push} in flight; when that cannot be written whole, it is undone and this throws. */
  void writeInFlight(Push push, String gateway) throws IOException {
    Properties p = new Properties();
    SpoolFiles.toProperties(p, push, gateway, "");
    long at = end;
    append(RUN, SpoolFiles.format(p));
    inFlightAt = at;
  }

  /** Records an index entry, in place of the run in flight when there is one. */
  void recordDelivered(String key, DeliveredEntry entry) throws IOException {
    if (inFlightAt >= 0) {
      end = inFlightAt;
      inFlightAt = -1;
    }
    String text = entry.encode();
    append(DELIVERED, key + "\n" + text);
    delivered.put(key, text);
  }

  /** Lets the run in flight go: it was delivered with nothing new to record, or spooled to a file. */
  void clearInFlight() throws IOException {
    if (inFlightAt >= 0) {
      end = inFlightAt;
      inFlightAt = -1;
      cutOffAfter(end);
    }
  }

  private void cutOffAfter(long at) throws IOException {
    if (length > at) {
      file.truncate(at);
      length = at;
    }
  }

  /** Whether enough records of the index gathered here to move them into its links. */
  boolean dueForCompaction() {
    return deliveredRecords >= COMPACT_AT;
  }

  /**
   * Moves the index records into the index's links ({@code links} writes one) and empties the journal; when a link
   * cannot be written, the journal keeps them all.
   */
  void compactInto(LinkWriter links) throws IOException {
    for (String key : delivered.keySet()) {
      DeliveredEntry entry = delivered(key);
      if (entry != null) {
        links.write(key, entry);
      }
    }
    delivered.clear();
    end = 0;
    cutOffAfter(0);
  }

  /** Writes one index entry to its link. */
  interface LinkWriter {
    void write(String key, DeliveredEntry entry) throws IOException;
  }

  private void append(String kind, String body) throws IOException {
    byte[] content = body.getBytes(StandardCharsets.UTF_8);
    CRC32 crc = new CRC32();
    crc.update(content);
    byte[] header = (HEADER + kind + " " + content.length + " " + Long.toHexString(crc.getValue()) + "\n")
        .getBytes(StandardCharsets.UTF_8);
    ByteBuffer record = ByteBuffer.allocate(header.length + content.length).put(header).put(content).flip();
    long at = end;
    try {
      while (record.hasRemaining()) {
        file.write(record, at + record.position());
      }
      length = Math.max(length, at + record.limit());
      end = at + record.limit();
      // Past a record written in place of a longer one, the rest of that one.
      cutOffAfter(end);
    } catch (IOException e) {
      length = Math.max(length, at + record.position());
      try {
        cutOffAfter(at);
      } catch (IOException alsoFailed) {
        // a record cut short fails its check and is ignored
      }
      throw e;
    }
  }

  /** One record read back: its kind, body and where it ends; null for one cut short or damaged. */
  private static final class Record {
    final String kind;
    final String body;
    final int end;

    private Record(String kind, String body, int end) {
      this.kind = kind;
      this.body = body;
      this.end = end;
    }

    static Record at(byte[] bytes, int at, int length) {
      int newline = at;
      while (newline < length && bytes[newline] != '\n') {
        newline++;
      }
      String line = new String(bytes, at, newline - at, StandardCharsets.UTF_8);
      String[] h = line.startsWith(HEADER) ? line.substring(HEADER.length()).split(" ") : new String[0];
      try {
        int bodyLength = Integer.parseInt(h[1]);
        if (h.length != 3 || newline + 1 + bodyLength > length) {
          return null;
        }
        CRC32 crc = new CRC32();
        crc.update(bytes, newline + 1, bodyLength);
        if (crc.getValue() != Long.parseLong(h[2], 16)) {
          return null;
        }
        return new Record(h[0], new String(bytes, newline + 1, bodyLength, StandardCharsets.UTF_8),
            newline + 1 + bodyLength);
      } catch (RuntimeException damaged) {
        return null;
      }
    }

    SpoolFiles.Run run() {
      try {
        Properties p = new Properties();
        p.load(new StringReader(body));
        return new SpoolFiles.Run(SpoolFiles.fromProperties(p, ""), p.getProperty("gateway"));
      } catch (IOException | RuntimeException e) {
        return null;
      }
    }
  }
}
