package io.github.batchpush;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Reads the small files a configuration names (a password or token file, a CA bundle, a truststore) as
 * {@link RegularFiles} reads every file, so that a wrong path can only fail, never hang or exhaust the heap, and says
 * what was wrong as a configuration error.
 *
 * <pre>{@code
 * byte[] pem = ConfigFiles.read(Path.of("/etc/ssl/ca.pem"), ConfigFiles.MAX_TRUST_BYTES, "CA certificate file");
 * }</pre>
 *
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
    try {
      return RegularFiles.read(file, maxBytes);
    } catch (RegularFiles.Refused e) {
      if (e.kind() != null) {
        throw new IllegalArgumentException("The " + what + " '" + file + "' is not a regular file (" + e.kind()
            + "): give the file itself");
      }
      throw new IllegalArgumentException("The " + what + " '" + file + "' is larger than " + (maxBytes / 1024)
          + " KiB: is it the right file?");
    }
  }
}
