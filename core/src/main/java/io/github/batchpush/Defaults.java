package io.github.batchpush;

import java.net.URI;
import java.time.Duration;

/**
 * batchpush's defaults, declared once: the builder starts from them, and the command line's {@code --help} and the
 * Spring Boot configuration metadata show them from here. Each is given as the text a user would write (usable in
 * annotations) and, for durations, as a {@link Duration}.
 *
 * <pre>{@code
 * Defaults.DEADLINE;             // "10s"
 * Defaults.deadline();           // PT10S
 * }</pre>
 */
public final class Defaults {
  /** The gateway that {@link BatchPush#fromEnvironment()}, the command line and Spring Boot use when none is set. */
  public static final String GATEWAY = "http://localhost:9091";
  /** The prefix of every metric name. */
  public static final String METRIC_PREFIX = "batch_job";
  /** Longest wait for a TCP/TLS connection in one attempt. */
  public static final String CONNECT_TIMEOUT = "3s";
  /** Longest wait for the gateway's answer in one attempt. */
  public static final String READ_TIMEOUT = "5s";
  /** The most one delivery may take, retries and spool replay included. */
  public static final String DEADLINE = "10s";
  /** The first pause between retries; it doubles per retry up to {@link #MAX_RETRY_BACKOFF}. */
  public static final String RETRY_BACKOFF = "200ms";
  /** The longest pause between retries (unless the first one is longer). */
  public static final String MAX_RETRY_BACKOFF = "2s";
  /** The most runs the spool keeps; older ones are dropped, loudly. */
  public static final int SPOOL_MAX_RUNS = 10_000;
  /** The oldest run the spool keeps. */
  public static final String SPOOL_MAX_AGE = "7d";
  /** Where the spool is when none is configured, as the help texts say it. */
  public static final String SPOOL_DIRECTORY = "batchpush/spool in $XDG_STATE_HOME, else in $HOME/.local/state";
  /**
   * The variable that moves the overlap locks of runs ({@link BatchPush#lock}). Not a {@link Setting}, which every
   * face configures alike: a host's run locks are the command line's business, not a Spring application's.
   */
  public static final String LOCK_DIRECTORY_VARIABLE = "BATCHPUSH_LOCK_DIR";
  /** Where the overlap locks of runs are when none is configured, as the help texts say it. */
  public static final String LOCK_DIRECTORY = "batchpush/locks in $XDG_STATE_HOME, else in $HOME/.local/state";

  private Defaults() {}

  /** {@link #GATEWAY} as a URI. */
  public static URI gateway() {
    return URI.create(GATEWAY);
  }

  /** {@link #CONNECT_TIMEOUT} as a Duration. */
  public static Duration connectTimeout() {
    return Durations.parse(CONNECT_TIMEOUT);
  }

  /** {@link #READ_TIMEOUT} as a Duration. */
  public static Duration readTimeout() {
    return Durations.parse(READ_TIMEOUT);
  }

  /** {@link #DEADLINE} as a Duration. */
  public static Duration deadline() {
    return Durations.parse(DEADLINE);
  }

  /** {@link #RETRY_BACKOFF} as a Duration. */
  public static Duration retryBackoff() {
    return Durations.parse(RETRY_BACKOFF);
  }

  /** {@link #MAX_RETRY_BACKOFF} as a Duration. */
  public static Duration maxRetryBackoff() {
    return Durations.parse(MAX_RETRY_BACKOFF);
  }

  /** {@link #SPOOL_MAX_AGE} as a Duration. */
  public static Duration spoolMaxAge() {
    return Durations.parse(SPOOL_MAX_AGE);
  }
}
