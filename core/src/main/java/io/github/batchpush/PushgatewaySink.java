package io.github.batchpush;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.HttpConnectionFactory;
import io.prometheus.client.exporter.PushGateway;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocketFactory;

/**
 * Sends one request to the Pushgateway through simpleclient's {@link PushGateway}: one attempt, no retry, every
 * timeout bounded by the time the caller has left. Failures come out as {@link GatewayRejectedException} or
 * {@link GatewayUnreachableException} with a one-line message naming gateway, group and cause.
 */
final class PushgatewaySink implements Delivery.Sink {
  private final URI gateway;
  private final URL pushGatewayBase;
  private final String authorization;
  private final boolean hasCredentials;
  private final SSLSocketFactory sslSocketFactory;
  private final Duration connectTimeout;
  private final Duration readTimeout;

  PushgatewaySink(URI gateway, String authorization, SSLSocketFactory sslSocketFactory,
      Duration connectTimeout, Duration readTimeout) {
    this.gateway = gateway;
    this.authorization = authorization;
    this.hasCredentials = authorization != null;
    this.sslSocketFactory = sslSocketFactory;
    this.connectTimeout = connectTimeout;
    this.readTimeout = readTimeout;
    try {
      this.pushGatewayBase = gateway.toURL();
    } catch (IOException e) {
      throw new IllegalArgumentException("Invalid gateway URL: '" + GatewayUrl.redacted(gateway) + "' ("
          + e.getClass().getSimpleName() + ")", e);
    }
  }

  @Override
  public URI gateway() {
    return gateway;
  }

  /** POSTs the push: replaces the metrics it names in its group, leaves every other metric of the group alone. */
  @Override
  public void pushAdd(Push push, long budgetNanos) {
    // Outside the try: a push that cannot become a registry is malformed, not a network problem.
    CollectorRegistry registry = push.toRegistry();
    Attempt attempt = new Attempt(push.job, push.labels, budgetNanos);
    try {
      attempt.pushGateway().pushAdd(registry, push.job, push.labels);
    } catch (IOException e) {
      throw attempt.failure("push of " + push.group(), e);
    } catch (RuntimeException e) {
      throw attempt.unexpected("push of " + push.group(), e);
    } finally {
      attempt.disarm();
    }
  }

  /** DELETEs the whole group. */
  @Override
  public void delete(String job, Map<String, String> labels, long budgetNanos) {
    Attempt attempt = new Attempt(job, labels, budgetNanos);
    try {
      attempt.pushGateway().delete(job, labels);
    } catch (IOException e) {
      throw attempt.failure("delete of " + Push.group(job, labels), e);
    } catch (RuntimeException e) {
      throw attempt.unexpected("delete of " + Push.group(job, labels), e);
    } finally {
      attempt.disarm();
    }
  }

  /** One request: opens the connection simpleclient asks for, on our path, with our timeouts and headers. */
  private final class Attempt implements HttpConnectionFactory {
    private final String path;
    private final int timeoutCap;
    private GatewayConnection connection;
    private ScheduledFuture<?> watchdog;
    private volatile boolean cutOff;

    Attempt(String job, Map<String, String> labels, long budgetNanos) {
      this.path = GroupingKeyPath.of(job, labels);
      this.timeoutCap = (int) Math.max(1, Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(budgetNanos)));
    }

    PushGateway pushGateway() {
      PushGateway pushGateway = new PushGateway(pushGatewayBase);
      pushGateway.setConnectionFactory(this);
      return pushGateway;
    }

    @Override
    public HttpURLConnection create(String ignoredUrlWithFormEncoding) throws IOException {
      // simpleclient built the group path with URLEncoder; ours percent-encodes it (see GroupingKeyPath).
      URL url = URI.create(GatewayUrl.stripTrailingSlash(gateway.toString()) + "/metrics/" + path).toURL();
      resolveWithin(url.getHost(), timeoutCap);
      HttpURLConnection raw = (HttpURLConnection) url.openConnection();
      // At least 1 ms: 0 would mean no timeout at all.
      raw.setConnectTimeout(Math.max(1, (int) Math.min(timeoutCap, connectTimeout.toMillis())));
      raw.setReadTimeout(Math.max(1, (int) Math.min(timeoutCap, readTimeout.toMillis())));
      raw.setInstanceFollowRedirects(false);
      raw.setUseCaches(false);
      if (authorization != null) {
        raw.setRequestProperty("Authorization", authorization);
      }
      if (sslSocketFactory != null && raw instanceof HttpsURLConnection) {
        ((HttpsURLConnection) raw).setSSLSocketFactory(sslSocketFactory);
      }
      connection = new GatewayConnection(raw);
      // Timeouts bound each blocking call, not their sum: a gateway that trickles its answer byte by byte could
      // stretch an attempt past the deadline. Closing the connection at the deadline ends it for certain.
      GatewayConnection watched = connection;
      watchdog = Watchdog.INSTANCE.schedule(() -> {
        cutOff = true;
        watched.disconnect();
      }, timeoutCap, TimeUnit.MILLISECONDS);
      return connection;
    }

    void disarm() {
      if (watchdog != null) {
        watchdog.cancel(false);
      }
    }

    PushException failure(String what, IOException e) {
      String prefix = what + " to " + gateway + " failed: ";
      int status = connection == null ? -1 : connection.status();
      if (status > 0) {
        // Never the whole body: a proxy in front of the gateway may echo the request, credentials included.
        String reason = ErrorBody.summary(connection.errorBody(), authorization);
        return new GatewayRejectedException(prefix + rejection(status, reason), status, reason);
      }
      if (cutOff) {
        return new GatewayUnreachableException(prefix + "no complete answer within the deadline (" + timeoutCap
            + " ms)", e);
      }
      return new GatewayUnreachableException(prefix + unreachable(e), e);
    }

    /**
     * The JDK's HTTP client signals some trouble with an unchecked exception (an IllegalStateException, or a
     * NullPointerException when the connection is closed under it): a failed attempt, not a malformed run. Its
     * message is left out: it may quote request headers.
     */
    GatewayUnreachableException unexpected(String what, RuntimeException e) {
      String prefix = what + " to " + gateway + " failed: ";
      if (cutOff) {
        return new GatewayUnreachableException(prefix + "no complete answer within the deadline (" + timeoutCap
            + " ms)", null);
      }
      return new GatewayUnreachableException(prefix + "unexpected " + e.getClass().getSimpleName()
          + " in the HTTP client", null);
    }
  }

  private String rejection(int status, String reason) {
    switch (status) {
      case 400:
        return "gateway rejected the metrics (400): " + reason;
      case 401:
        return hasCredentials
            ? "wrong credentials (401): check the username and password or bearer token"
            : "the gateway requires credentials (401): set BATCHPUSH_USERNAME and BATCHPUSH_PASSWORD, "
                + "or BATCHPUSH_BEARER_TOKEN";
      case 403:
        return "forbidden (403): these credentials may not push to this group";
      case 404:
        return "not found (404): check the gateway URL and its path prefix";
      default:
        return "HTTP " + status + (reason.isEmpty() ? "" : ": " + reason);
    }
  }

  private static String unreachable(IOException e) {
    String detail = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    if (e instanceof SocketTimeoutException) {
      return "no answer in time (" + detail + ")";
    }
    if (e instanceof SSLException) {
      return "TLS failed (" + oneLine(detail) + "): if the gateway's certificate is not publicly trusted, "
          + "give its CA with BATCHPUSH_CA_CERT";
    }
    return "unreachable (" + e.getClass().getSimpleName() + ": " + oneLine(detail) + ")";
  }

  /**
   * HttpURLConnection looks the host up before its connect timeout starts, and a resolver that does not answer
   * (a Kubernetes pod's search domains, a dead DNS server) would hold the job past the deadline. The lookup runs on
   * a daemon thread and is abandoned at the deadline; a successful one lands in the JVM's cache, where the
   * connection's own lookup finds it. IP literals need no lookup.
   */
  static void resolveWithin(String host, int timeoutMillis) throws IOException {
    if (host.isEmpty() || host.charAt(0) == '[' || host.indexOf(':') >= 0 || host.chars().allMatch(c -> c == '.'
        || (c >= '0' && c <= '9'))) {
      return;
    }
    java.util.concurrent.Future<java.net.InetAddress[]> lookup = Resolver.INSTANCE.submit(
        () -> java.net.InetAddress.getAllByName(host));
    try {
      lookup.get(timeoutMillis, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      lookup.cancel(true);
      throw new java.net.UnknownHostException(host + " (no DNS answer within the deadline)");
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof IOException) {
        throw (IOException) e.getCause();
      }
      throw new IOException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while resolving " + host);
    }
  }

  /** Daemon threads for host lookups: a hung one is abandoned, and never keeps the JVM alive. */
  private static final class Resolver {
    static final java.util.concurrent.ExecutorService INSTANCE = java.util.concurrent.Executors.newCachedThreadPool(
        r -> {
          Thread t = new Thread(r, "batchpush-resolver");
          t.setDaemon(true);
          return t;
        });
  }

  /** One daemon thread for every attempt's deadline; created on first use. */
  private static final class Watchdog {
    static final ScheduledThreadPoolExecutor INSTANCE = create();

    private static ScheduledThreadPoolExecutor create() {
      ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "batchpush-deadline");
        t.setDaemon(true);
        return t;
      });
      executor.setRemoveOnCancelPolicy(true);
      return executor;
    }
  }

  static String oneLine(String text) {
    return text.strip().replaceAll("\\s*[\\r\\n]+\\s*", " ");
  }
}
