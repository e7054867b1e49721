package io.github.batchpush;

import java.net.URI;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * Retries one push within the delivery deadline: connection failures, timeouts, 408, 429 and 5xx are retried with
 * exponential backoff and jitter; every other rejection, and an untrusted TLS certificate, is permanent and ends the
 * delivery at once. An unexpected exception from the attempt (the JDK's HTTP client has thrown a
 * {@code NullPointerException} under load) is a failed attempt like a reset connection, and retried.
 *
 * <pre>{@code
 * Delivery delivery = new Delivery(sink, Duration.ofMillis(200), Duration.ofSeconds(2));
 * delivery.pushAdd(push, System.nanoTime() + Duration.ofSeconds(10).toNanos());
 * }</pre>
 */
final class Delivery {
  /** An attempt that would start with less time than this left is not worth starting. */
  static final long MIN_ATTEMPT_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  /** Where one attempt goes: {@link PushgatewaySink} in production, a faulty one in tests. */
  interface Sink {
    /** The gateway's base URL. */
    URI gateway();

    /** One POST of {@code push}, within {@code budgetNanos}. */
    void pushAdd(Push push, long budgetNanos);

    /** One DELETE of the group, within {@code budgetNanos}. */
    void delete(String job, Map<String, String> labels, long budgetNanos);
  }

  private final Sink sink;
  private final Duration initialBackoff;
  private final Duration maxBackoff;

  Delivery(Sink sink, Duration initialBackoff, Duration maxBackoff) {
    this.sink = sink;
    this.initialBackoff = initialBackoff;
    this.maxBackoff = maxBackoff;
  }

  /** The gateway's base URL, as spooled runs name it. */
  String gateway() {
    return sink.gateway().toString();
  }

  /** POSTs {@code push}, retrying transient failures until {@code deadlineNanos} (a {@link System#nanoTime()}). */
  void pushAdd(Push push, long deadlineNanos) {
    withRetries("push of " + push.group(), budget -> sink.pushAdd(push, budget), deadlineNanos);
  }

  /** DELETEs the group, with the same retries. */
  void delete(String job, Map<String, String> labels, long deadlineNanos) {
    withRetries("delete of " + Push.group(job, labels), budget -> sink.delete(job, labels, budget), deadlineNanos);
  }

  private void withRetries(String what, LongConsumer attemptWithBudget, long deadlineNanos) {
    // An interrupt from before the delivery (a cancelled job closing its run) must not cut the retries short; one
    // arriving during it still does. Either way the caller gets its flag back.
    boolean interrupted = Thread.interrupted();
    try {
      retry(what, attemptWithBudget, deadlineNanos);
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void retry(String what, LongConsumer attemptWithBudget, long deadlineNanos) {
    long backoff = initialBackoff.toNanos();
    for (int attempt = 1; ; attempt++) {
      PushException failure;
      try {
        attempt(what, attemptWithBudget, deadlineNanos);
        return;
      } catch (GatewayRejectedException e) {
        if (!e.isTransient()) {
          throw e;
        }
        failure = e;
      } catch (GatewayUnreachableException e) {
        if (untrustedCertificate(e)) {
          throw e;
        }
        failure = e;
      }
      // Equal jitter: at least half the backoff, so attempts spread out but never bunch up at zero.
      long sleep = backoff / 2 + ThreadLocalRandom.current().nextLong(backoff / 2 + 1);
      if (System.nanoTime() + sleep + MIN_ATTEMPT_NANOS >= deadlineNanos) {
        throw gaveUp(failure, attempt);
      }
      try {
        TimeUnit.NANOSECONDS.sleep(sleep);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw gaveUp(failure, attempt);
      }
      backoff = Math.min(backoff * 2, maxBackoff.toNanos());
    }
  }

  private void attempt(String what, LongConsumer attemptWithBudget, long deadlineNanos) {
    try {
      attemptWithBudget.accept(deadlineNanos - System.nanoTime());
    } catch (PushException e) {
      throw e;
    } catch (RuntimeException e) {
      // Not the message: a JDK exception's may quote request headers, credentials included.
      throw new GatewayUnreachableException(what + " to " + sink.gateway() + " failed: unexpected "
          + e.getClass().getSimpleName() + " while sending", null);
    }
  }

  /**
   * A certificate the client does not trust (unknown CA, wrong host name, expired) stays untrusted however often
   * it is asked; retrying would only burn the deadline. A handshake cut short by a restarting gateway has no
   * certificate error in its causes and is retried.
   */
  private static boolean untrustedCertificate(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof CertificateException || t instanceof CertPathValidatorException) {
        return true;
      }
    }
    return false;
  }

  private static PushException gaveUp(PushException last, int attempts) {
    if (attempts == 1) {
      return last;
    }
    String message = last.getMessage() + " (gave up after " + attempts + " attempts)";
    if (last instanceof GatewayRejectedException) {
      GatewayRejectedException r = (GatewayRejectedException) last;
      return new GatewayRejectedException(message, r.status(), r.reason());
    }
    return new GatewayUnreachableException(message, last.getCause());
  }
}
