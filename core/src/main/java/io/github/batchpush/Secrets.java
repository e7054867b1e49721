package io.github.batchpush;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Reading and checking secrets; every message names the secret or its file, never its value. */
final class Secrets {
  private Secrets() {}

  /**
   * The secret in {@code file}, stripped of the line break that files, env files and Kubernetes Secrets tend to end
   * with; {@code key}, when not null, is the option or variable the file was given through, which the message names.
   * The file must be a regular file of UTF-8 text, at most {@link ConfigFiles#MAX_SECRET_BYTES}.
   */
  static String read(Path file, String what, String key) {
    String prefix = key == null ? "" : "Invalid " + key + ": ";
    byte[] bytes;
    try {
      bytes = ConfigFiles.read(file, ConfigFiles.MAX_SECRET_BYTES, what);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(prefix + e.getMessage(), e);
    } catch (IOException e) {
      throw new IllegalArgumentException(prefix + "Cannot read the " + what + " '" + file + "': " + e.getClass()
          .getSimpleName() + " (check that it exists and is readable by this user)", e);
    }
    String secret;
    try {
      secret = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString().strip();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException(prefix + "The " + what + " '" + file + "' is not UTF-8 text: save the "
          + "secret in it as UTF-8", e);
    }
    if (secret.isEmpty()) {
      throw new IllegalArgumentException(prefix + "The " + what + " '" + file + "' is empty: put the secret in it");
    }
    return secret;
  }

  /**
   * Strips surrounding white space and refuses any other control character: it would make the HTTP header invalid,
   * and the JDK's message for that quotes the whole header, secret included.
   */
  static String check(String secret, String what) {
    if (secret == null) {
      return null;
    }
    String stripped = secret.strip();
    for (int i = 0; i < stripped.length(); i++) {
      char c = stripped.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        throw new IllegalArgumentException("The " + what + " contains a control character (a line break or tab "
            + "inside it?): remove it");
      }
    }
    if (stripped.isEmpty()) {
      throw new IllegalArgumentException("The " + what + " is empty: give the secret itself");
    }
    return stripped;
  }
}
