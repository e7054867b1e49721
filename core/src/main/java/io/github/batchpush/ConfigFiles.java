package io.github.batchpush;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Reads the small files a configuration names (a password or token file, a CA bundle, a truststore) so that a wrong
 * path can only fail, never hang or exhaust the heap: a FIFO without a writer would block {@code open()} forever, and
 * {@code /dev/zero} or a huge file would be read until the heap runs out. Only regular files are read, and only up to
 * a bound.
 *
 * <pre>{@code
 * byte[] pem = ConfigFiles.read(Path.of("/etc/ssl/ca.pem"), ConfigFiles.MAX_TRUST_BYTES, "CA certificate file");
 * }</pre>
 *
 * <p>The file's kind is checked before it is opened; a file swapped for a FIFO between the check and the open would
 * still block, which takes someone able to write the directory it is in.
 */
final class ConfigFiles {
  /** A password or token; a JWT is a few KiB. */
  static final int MAX_SECRET_BYTES = 64 * 1024;
  /** A CA bundle or truststore; the whole of Debian's ca-certificates.crt is about 200 KiB. */
  static final int MAX_TRUST_BYTES = 16 * 1024 * 1024;

  private ConfigFiles() {}

  /**
   * The bytes of {@code file}, a regular file (a symbolic link to one is fine) of at most {@code maxBytes}.
   *
   * @throws IllegalArgumentException "The WHAT 'FILE' is ..." when it is not a regular file or is too large
   * @throws IOException when it cannot be read (missing, no permission)
   */
  static byte[] read(Path file, int maxBytes, String what) throws IOException {
    BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
    if (!attributes.isRegularFile()) {
      throw new IllegalArgumentException("The " + what + " '" + file + "' is not a regular file (a "
          + (attributes.isDirectory() ? "directory" : "FIFO, socket or device") + "): give the file itself");
    }
    if (attributes.size() > maxBytes) {
      throw tooLarge(file, maxBytes, what);
    }
    try (InputStream in = Files.newInputStream(file)) {
      // Bounded again while reading: the size can grow after the check, and /proc files report none.
      byte[] bytes = in.readNBytes(maxBytes + 1);
      if (bytes.length > maxBytes) {
        throw tooLarge(file, maxBytes, what);
      }
      return bytes;
    }
  }

  private static IllegalArgumentException tooLarge(Path file, int maxBytes, String what) {
    return new IllegalArgumentException("The " + what + " '" + file + "' is larger than " + (maxBytes / 1024)
        + " KiB: is it the right file?");
  }
}
