package io.github.batchpush.cli;

import java.io.PrintWriter;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/**
 * Prints core's log lines the way the CLI prints its own: one line on stderr, {@code batchpush:} first, no stack
 * trace. Warnings (a push that failed, a run spooled) always show; info only without {@code --quiet}.
 */
final class StderrLogger extends LegacyAbstractLogger {
  private static final long serialVersionUID = 1L;
  private static volatile PrintWriter err = new PrintWriter(System.err, true);
  private static volatile boolean quiet;

  StderrLogger(String name) {
    this.name = name;
  }

  static void configure(PrintWriter err, boolean quiet) {
    StderrLogger.err = err;
    StderrLogger.quiet = quiet;
  }

  @Override
  public boolean isTraceEnabled() {
    return false;
  }

  @Override
  public boolean isDebugEnabled() {
    return false;
  }

  @Override
  public boolean isInfoEnabled() {
    return !quiet;
  }

  @Override
  public boolean isWarnEnabled() {
    return true;
  }

  @Override
  public boolean isErrorEnabled() {
    return true;
  }

  @Override
  protected String getFullyQualifiedCallerName() {
    return null;
  }

  @Override
  protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] arguments,
      Throwable throwable) {
    String message = MessageFormatter.basicArrayFormat(pattern, arguments);
    if (!message.startsWith("batchpush:")) {
      message = "batchpush: " + message;
    }
    PrintWriter out = err;
    out.println(message.replaceAll("[\\r\\n]+", " "));
    out.flush();
  }
}
