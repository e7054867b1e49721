package io.github.batchpush;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;

/**
 * The one way batchpush reads a file it did not write itself (a secret, a CA bundle, a spooled run, the spool's
 * gateway file): only a regular file, checked before it is opened, and only up to a bound, checked again while
 * reading. A FIFO without a writer would block {@code open()} for ever, and {@code /dev/zero} or a huge file would be
 * read until the heap runs out; either would hold a job past its deadline or change its exit code.
 *
 * <pre>{@code
 * byte[] pem = RegularFiles.read(Path.of("/etc/ssl/ca.pem"), 16 << 20);
 * byte[] run = RegularFiles.read(spooled, 4 << 20, LinkOption.NOFOLLOW_LINKS);   // a link is refused, not followed
 * }</pre>
 *
 * <p>A file swapped for a FIFO between the check and the open would still block: NIO cannot open without blocking.
 * That takes someone able to write the directory, within two system calls; it is accepted.
 */
final class RegularFiles {
  private RegularFiles() {}

  /** Why a file was not read; each caller says it in its own words. */
  static final class Refused extends IOException {
    private static final long serialVersionUID = 1L;

    private final String kind;
    private final long size;

    private Refused(String kind, long size) {
      super(kind != null ? "not a regular file (" + kind + ")" : "too large (" + size + " bytes)");
      this.kind = kind;
      this.size = size;
    }

    /** What the file is instead of a regular file ("a FIFO, socket or device"), or null when it is too large. */
    String kind() {
      return kind;
    }

    /** The size the file has (at least), when it is too large. */
    long size() {
      return size;
    }
  }

  /**
   * The bytes of {@code file}, a regular file of at most {@code limit} bytes; with {@code NOFOLLOW_LINKS} a link is
   * refused, else a link to a regular file is read.
   *
   * @throws Refused when it is not a regular file or is larger than {@code limit}
   * @throws IOException when it cannot be read (missing, no permission)
   */
  static byte[] read(Path file, int limit, LinkOption... options) throws IOException {
    BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class, options);
    if (!attributes.isRegularFile()) {
      throw new Refused(attributes.isSymbolicLink() ? "a symbolic link" : attributes.isDirectory() ? "a directory"
          : "a FIFO, socket or device", 0);
    }
    if (attributes.size() > limit) {
      throw new Refused(null, attributes.size());
    }
    try (InputStream in = Files.newInputStream(file, withRead(options))) {
      // Bounded again while reading: the file can grow after the check, and /proc files report no size.
      byte[] bytes = in.readNBytes(limit + 1);
      if (bytes.length > limit) {
        throw new Refused(null, bytes.length);
      }
      return bytes;
    }
  }

  private static java.nio.file.OpenOption[] withRead(LinkOption... options) {
    java.nio.file.OpenOption[] open = Arrays.copyOf(options, options.length + 1, java.nio.file.OpenOption[].class);
    open[options.length] = StandardOpenOption.READ;
    return open;
  }
}
