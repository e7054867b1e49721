package io.github.batchpush;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reading and checking secrets; every message names the secret or its file, never its value. */
final class Secrets {
  private Secrets() {}

  /**
   * The secret in {@code file}, stripped of the line break that files, env files and Kubernetes Secrets tend to end
   * with; {@code key}, when not null, is the option or variable the file was given through, which the message names.
   */
  static String read(Path file, String what, String key) {
    String prefix = key == null ? "" : "Invalid " + key + ": ";
    try {
      String secret = Files.readString(file, StandardCharsets.UTF_8).strip();
      if (secret.isEmpty()) {
        throw new IllegalArgumentException(prefix + "The " + what + " '" + file + "' is empty: put the secret in it");
      }
      return secret;
    } catch (IOException e) {
      throw new IllegalArgumentException(prefix + "Cannot read the " + what + " '" + file + "': " + e.getClass()
          .getSimpleName() + " (check that it exists and is readable by this user)", e);
    }
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
