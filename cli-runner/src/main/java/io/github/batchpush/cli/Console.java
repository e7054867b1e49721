package io.github.batchpush.cli;

import java.io.PrintWriter;

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

  private void print(String message) {
    err.println("batchpush: " + message);
    err.flush();
  }
}
