package io.github.batchpush.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * batchpush's arguments as the bytes it was given. The JVM decodes its argv with the locale's charset
 * ({@code sun.jnu.encoding}): under cron's POSIX locale every non-ASCII byte becomes '?', and under a UTF-8 locale
 * bytes that are not UTF-8 become U+FFFD, so {@code main}'s strings cannot tell what COMMAND was given, nor which job
 * name. {@code /proc/self/cmdline} keeps the bytes; the program's arguments are its last {@code args.length} entries.
 *
 * <pre>{@code
 * Argv argv = Argv.of(args);
 * commandLine.execute(argv.text());           // "café" under any locale, when it was given as UTF-8
 * byte[][] command = argv.bytesOf(List.of("find", "D", "-name"));   // COMMAND and its arguments, exactly
 * }</pre>
 */
final class Argv {
  private static final Path CMDLINE = Path.of("/proc/self/cmdline");

  private final String[] decodedByJvm;
  /** The arguments' bytes, or null when /proc cannot tell them (not Linux, or they do not line up with args). */
  private final byte[][] bytes;

  private Argv(String[] decodedByJvm, byte[][] bytes) {
    this.decodedByJvm = decodedByJvm.clone();
    this.bytes = bytes;
  }

  /** The arguments {@code main} got, with their bytes from {@code /proc/self/cmdline} where it can tell them. */
  static Argv of(String[] args) {
    return new Argv(args, bytesOf(args, CMDLINE));
  }

  /** Arguments with no bytes to go by: taken as the JVM decoded them. */
  static Argv decodedOnly(String[] args) {
    return new Argv(args, null);
  }

  /** The arguments for batchpush's own parsing: each as UTF-8 when it is valid UTF-8, else as the JVM decoded it. */
  String[] text() {
    String[] text = decodedByJvm.clone();
    if (bytes != null) {
      for (int i = 0; i < text.length; i++) {
        String utf8 = utf8(bytes[i]);
        if (utf8 != null) {
          text[i] = utf8;
        }
      }
    }
    return text;
  }

  /**
   * Whether batchpush was asked for help rather than to do something: no arguments, {@code help}, or a help option
   * before any command.
   */
  boolean asksForHelp() {
    return decodedByJvm.length == 0 || decodedByJvm[0].equals("help") || decodedByJvm[0].equals("--help")
        || decodedByJvm[0].equals("-h");
  }

  /**
   * The bytes of {@code tail}, the last arguments as parsed (COMMAND and its arguments), or null when they are not
   * known or are not those arguments.
   */
  byte[][] bytesOf(List<String> tail) {
    int n = tail.size();
    if (bytes == null || n > bytes.length) {
      return null;
    }
    String[] text = text();
    for (int i = 0; i < n; i++) {
      if (!text[text.length - n + i].equals(tail.get(i))) {
        return null;
      }
    }
    return Arrays.copyOfRange(bytes, bytes.length - n, bytes.length);
  }

  private static String utf8(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  static byte[][] bytesOf(String[] args, Path cmdline) {
    List<byte[]> entries;
    try {
      entries = split(Files.readAllBytes(cmdline));
    } catch (IOException | RuntimeException e) {
      return null;
    }
    if (entries.size() < args.length) {
      return null;
    }
    byte[][] tail = entries.subList(entries.size() - args.length, entries.size()).toArray(new byte[0][]);
    for (int i = 0; i < args.length; i++) {
      if (!linesUp(args[i], tail[i])) {
        return null;
      }
    }
    return tail;
  }

  /** NUL-terminated entries, as the kernel writes them; an empty argument is an empty entry. */
  private static List<byte[]> split(byte[] cmdline) {
    List<byte[]> entries = new ArrayList<>();
    ByteArrayOutputStream entry = new ByteArrayOutputStream();
    for (byte b : cmdline) {
      if (b == 0) {
        entries.add(entry.toByteArray());
        entry.reset();
      } else {
        entry.write(b);
      }
    }
    return entries;
  }

  /**
   * Whether an argument's bytes are the ones the JVM decoded: an ASCII argument must be the same text; another can
   * only be compared in length, which no decoding makes longer than its bytes.
   */
  private static boolean linesUp(String decoded, byte[] raw) {
    boolean ascii = true;
    for (byte b : raw) {
      ascii &= b >= 0;
    }
    return ascii ? decoded.equals(new String(raw, StandardCharsets.US_ASCII)) : decoded.length() <= raw.length;
  }
}
