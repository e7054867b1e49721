package io.github.batchpush;

import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.zip.CRC32;

/**
 * The run a delivery is sending, recorded in the spool's lock file, so that a process killed before it went out, or
 * before its delivery was recorded, leaves it to the next delivery, which spools it. The lock file is open and locked
 * already: a record there costs a write and a truncate, where a run file of its own would cost a create, a write, a
 * rename and a delete on every run.
 *
 * <pre>{@code
 * InFlight.write(held.channel(), push, gateway);   // IOException: the spool cannot take it (a full disk)
 * ... send, record in the index ...
 * InFlight.clear(held.channel());
 * InFlight.Content left = InFlight.read(held.channel());   // what a killed delivery left, or null
 * }</pre>
 *
 * <p>A record is a header line {@code batchpush-in-flight <bytes> <crc32>} and the run as a run file holds it. A
 * write that fails (a full disk, a file size limit) is undone at once; a record cut short by a kill fails the check
 * and is told apart from a whole one: its writer died before sending it. Anything else in the lock file is the
 * journal batchpush 0.1 kept there ({@link LegacySpool}).
 */
final class InFlight {
  private static final String HEADER = "batchpush-in-flight ";

  private InFlight() {}

  /** What the lock file holds: a whole record, a cut one, or an older version's journal. */
  record Content(SpoolFiles.Run run, boolean cut, String legacyJournal) {}

  /**
   * Records {@code push} in flight.
   *
   * @throws IOException when it cannot be written whole; the lock file is emptied again first
   */
  static void write(FileChannel lock, Push push, String gateway) throws IOException {
    Properties p = new Properties();
    SpoolFiles.toProperties(p, push, gateway, "");
    byte[] body = SpoolFiles.format(p).getBytes(StandardCharsets.UTF_8);
    CRC32 crc = new CRC32();
    crc.update(body);
    byte[] header = (HEADER + body.length + " " + Long.toHexString(crc.getValue()) + "\n")
        .getBytes(StandardCharsets.UTF_8);
    ByteBuffer record = ByteBuffer.allocate(header.length + body.length).put(header).put(body).flip();
    try {
      while (record.hasRemaining()) {
        lock.write(record, record.position());
      }
    } catch (IOException e) {
      clearQuietly(lock);
      throw e;
    }
  }

  /** Empties the lock file: the run went out, or was spooled. */
  static void clear(FileChannel lock) throws IOException {
    lock.truncate(0);
  }

  private static void clearQuietly(FileChannel lock) {
    try {
      clear(lock);
    } catch (IOException e) {
      // a cut record fails its check: it is recognised as one
    }
  }

  /** What the lock file holds; null when it is empty. */
  static Content read(FileChannel lock) throws IOException {
    long size = lock.size();
    if (size == 0) {
      return null;
    }
    if (size > SpoolFiles.MAX_RUN_BYTES) {
      throw new SpoolFiles.UnreadableException("too large (" + size + " bytes)");
    }
    ByteBuffer buffer = ByteBuffer.allocate((int) size);
    while (buffer.hasRemaining() && lock.read(buffer, buffer.position()) > 0) {
      // read it all
    }
    String text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
    if (!text.startsWith(HEADER)) {
      return new Content(null, false, text);
    }
    SpoolFiles.Run run = whole(buffer.array(), buffer.position());
    return new Content(run, run == null, null);
  }

  /** The run of a record whose length and checksum match; null for a record cut short. */
  private static SpoolFiles.Run whole(byte[] bytes, int length) {
    int newline = indexOf(bytes, length, (byte) '\n');
    if (newline < 0) {
      return null;
    }
    String[] header = new String(bytes, 0, newline, StandardCharsets.UTF_8).substring(HEADER.length()).split(" ");
    try {
      int bodyLength = Integer.parseInt(header[0]);
      if (length - newline - 1 != bodyLength) {
        return null;
      }
      CRC32 crc = new CRC32();
      crc.update(bytes, newline + 1, bodyLength);
      if (crc.getValue() != Long.parseLong(header[1], 16)) {
        return null;
      }
      Properties p = new Properties();
      p.load(new StringReader(new String(bytes, newline + 1, bodyLength, StandardCharsets.UTF_8)));
      return new SpoolFiles.Run(SpoolFiles.fromProperties(p, ""), p.getProperty("gateway"));
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static int indexOf(byte[] bytes, int length, byte b) {
    for (int i = 0; i < length; i++) {
      if (bytes[i] == b) {
        return i;
      }
    }
    return -1;
  }
}
