package io.github.batchpush.cli;

import io.github.batchpush.PushException;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * batchpush's own messages: one line each on stderr, prefixed {@code batchpush:}. Cron mails whatever a job prints,
 * so a successful run prints nothing and {@code --quiet} keeps only errors and warnings.
 */
final class Console {
  private final PrintWriter err;
  private final boolean quiet;

  Console(PrintWriter err, boolean quiet) {
    this.err = err;
    this.quiet = quiet;
    StderrLogger.configure(err, quiet);
  }

  void info(String message) {
    if (!quiet) {
      print(message);
    }
  }

  void error(String message) {
    print(message);
  }

  /**
   * Prints why a command that talks to the gateway failed, in one line, and returns its exit code: 125 for a bad
   * value (the message names it), 1 for the gateway (unreachable, refused) and anything else; {@code doing} starts
   * the line of an unexpected failure ("registering nightly_backup").
   */
  int failed(Throwable e, String doing) {
    if (e instanceof IllegalArgumentException || e instanceof IllegalStateException) {
      error(e.getMessage());
      return BatchPushCli.USAGE;
    }
    error(e instanceof PushException ? e.getMessage() : doing + " failed: " + describe(e));
    return 1;
  }

  private void print(String message) {
    err.println("batchpush: " + oneLine(message));
    err.flush();
  }

  /** A group as messages show it: {@code job=nightly_backup team=ops}. */
  static String group(String job, Map<String, String> labels) {
    StringBuilder group = new StringBuilder("job=").append(job);
    labels.forEach((name, value) -> group.append(' ').append(name).append('=').append(value));
    return group.toString();
  }

  /** A throwable in one line, as a message may show it: its class and message, never its stack trace. */
  static String describe(Throwable t) {
    return oneLine(String.valueOf(t));
  }

  static String oneLine(String message) {
    return message.replaceAll("\\s*[\\r\\n]+\\s*", " ");
  }

  /**
   * A writer on stdout or stderr in the locale's charset, or in UTF-8 under a locale of plain ASCII (cron's POSIX
   * one), where Java would print every non-ASCII letter of a job name as '?'.
   */
  static PrintWriter writer(FileDescriptor fd) {
    return new PrintWriter(new OutputStreamWriter(new FileOutputStream(fd), messageCharset()), true);
  }

  private static Charset messageCharset() {
    try {
      Charset charset = Charset.forName(System.getProperty("native.encoding", "UTF-8"));
      return charset.equals(StandardCharsets.US_ASCII) ? StandardCharsets.UTF_8 : charset;
    } catch (RuntimeException e) {
      return StandardCharsets.UTF_8;
    }
  }
}
