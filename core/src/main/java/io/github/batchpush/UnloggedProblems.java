package io.github.batchpush;

import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.LoggerFactory;
import org.slf4j.helpers.NOPLoggerFactory;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * batchpush-core reports delivery problems through SLF4J. Without a provider on the class path, slf4j-api 2 falls
 * back to a logger that drops everything, and a library user would never hear that runs are not delivered; so then
 * the first problem of each kind in the process is also printed on stderr, on one line that says what to add. An
 * application that chose slf4j-nop on purpose, or configured a provider by name, stays silent.
 *
 * <pre>{@code
 * LOG.warn("batchpush: {}", message);
 * UnloggedProblems.report(Kind.DELIVERY, message);   // on stderr once per process, only when SLF4J has no provider
 * }</pre>
 */
final class UnloggedProblems {
  /** The problems reported once each. */
  enum Kind {
    /** A run was not delivered (or not written to its textfile). */
    DELIVERY,
    /** Runs in the spool wait for another gateway. */
    OTHER_GATEWAYS
  }

  private static final Set<Kind> REPORTED = ConcurrentHashMap.newKeySet();

  private UnloggedProblems() {}

  static void report(Kind kind, String message) {
    if (!REPORTED.contains(kind) && noProvider() && REPORTED.add(kind)) {
      System.err.println("batchpush: " + message + " (SLF4J has no provider, so batchpush reports no further "
          + "problems: add one, e.g. org.slf4j:slf4j-simple at runtime scope)");
    }
  }

  /** Whether SLF4J fell back to its no-operation logger because it found no provider at all. */
  static boolean noProvider() {
    if (!(LoggerFactory.getILoggerFactory() instanceof NOPLoggerFactory)
        || System.getProperty("slf4j.provider") != null) {
      return false;
    }
    try {
      return ServiceLoader.load(SLF4JServiceProvider.class, LoggerFactory.class.getClassLoader()).findFirst()
          .isEmpty();
    } catch (ServiceConfigurationError e) {
      return true;
    }
  }
}
