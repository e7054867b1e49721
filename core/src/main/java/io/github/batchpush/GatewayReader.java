package io.github.batchpush;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocketFactory;

/**
 * Reads from the Pushgateway with the credentials, CA and timeouts the pushes use, in one attempt bounded by the
 * caller's deadline: gauges of one group and the gateway's version from its exposition ({@code GET <gateway>/metrics}),
 * or every group from its API ({@code GET <gateway>/api/v1/metrics}).
 *
 * <pre>{@code
 * Double since = reader.value("batch_job_registered_timestamp_seconds", "nightly_report", Map.of(), deadline,
 *     "register of {job=\"nightly_report\"} to http://gw:9091 failed: reading the gateway's metrics: ");
 * GatewayReader.Found found = reader.read(Set.of("push_time_seconds"), group, true, deadline, "gateway ...: ");
 * List<GatewayGroup> groups = reader.groups("batch_job_max_age_seconds", deadline, "gc");
 * }</pre>
 *
 * <p>The gateway cannot be asked for one group, so the whole exposition is streamed and only the lines of the metrics
 * asked for are parsed; the read stops once all of them are found. A series belongs to the group when its labels are
 * exactly the group's: the job, the grouping labels, and the empty {@code instance} the gateway adds to series pushed
 * without one. The gateway's version is the {@code version} label of its own {@value #BUILD_INFO}.
 */
final class GatewayReader {
  /** The Pushgateway's own metric naming its version: a server whose metrics lack it is not a Pushgateway. */
  static final String BUILD_INFO = "pushgateway_build_info";
  private static final int MAX_ERROR_BODY = 4096;

  private final BatchPush push;

  GatewayReader(BatchPush push) {
    this.push = push;
  }

  /** What is made of an answer's body. */
  interface Body<T> {
    /**
     * @throws UnexpectedAnswerException when the body is not what was asked for
     * @throws IOException when reading it fails
     */
    T read(InputStream in) throws IOException;
  }

  /** A complete answer that is not what was asked for: a proxy's page, or another program on the gateway's port. */
  static final class UnexpectedAnswerException extends IOException {
    private static final long serialVersionUID = 1L;

    UnexpectedAnswerException(String what) {
      super(what);
    }
  }

  /** What one read found: the values of the metrics asked for in the group, and the gateway's version or null. */
  record Found(Map<String, Double> values, String version) {}

  /**
   * The value of {@code metric} in the group {@code job} plus {@code labels}, or null when the group has none;
   * {@code failed} starts the message of a failure.
   *
   * @throws GatewayRejectedException when the gateway answers with an error status
   * @throws GatewayUnreachableException when no complete answer comes before {@code deadlineNanos}
   */
  Double value(String metric, String job, Map<String, String> labels, long deadlineNanos, String failed) {
    return read(Set.of(metric), group(job, labels), false, deadlineNanos, failed).values().get(metric);
  }

  /**
   * The values of {@code metrics} whose labels are {@code group} (those it has), and the gateway's version when
   * {@code version} is asked for; {@code failed} starts the message of a failure.
   *
   * @throws GatewayRejectedException when the gateway answers with an error status
   * @throws GatewayUnreachableException when no complete answer comes before {@code deadlineNanos}
   */
  Found read(Set<String> metrics, Map<String, String> group, boolean version, long deadlineNanos, String failed) {
    return get("/metrics", deadlineNanos, failed, in -> find(
        new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)), metrics, group, version));
  }

  /**
   * Every group on the gateway; {@code maxAgeMetric} names the metric that declares a group's max age.
   *
   * @throws GatewayRejectedException when the gateway answers with an error status, or with something that is not
   *     its groups' JSON
   * @throws GatewayUnreachableException when no complete answer comes before {@code deadlineNanos}
   */
  List<GatewayGroup> groups(String maxAgeMetric, long deadlineNanos, String what) {
    return get("/api/v1/metrics", deadlineNanos, what + " on " + push.gateway()
        + " failed: reading the gateway's groups: ", in -> GatewayGroups.parse(in, maxAgeMetric));
  }

  /**
   * GETs {@code path} under the gateway's URL and reads the answer's body with {@code body}; {@code failed} starts
   * every message.
   */
  private <T> T get(String path, long deadlineNanos, String failed, Body<T> body) {
    long budgetMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
    HttpURLConnection connection;
    try {
      URL url = new URL(GatewayUrl.stripTrailingSlash(push.gateway().toString()) + path);
      PushgatewaySink.resolveWithin(url.getHost(), (int) Math.min(Integer.MAX_VALUE, budgetMillis));
      connection = open(url, budgetMillis);
    } catch (IOException e) {
      throw new GatewayUnreachableException(failed + unreachable(e), e);
    }
    // Timeouts bound each blocking read, not their sum: closing the connection at the deadline ends a trickle.
    CompletableFuture<Void> watchdog = CompletableFuture.runAsync(connection::disconnect,
        CompletableFuture.delayedExecutor(budgetMillis, TimeUnit.MILLISECONDS));
    try {
      int status = connection.getResponseCode();
      if (status != 200) {
        String reason = ErrorBody.summary(errorBody(connection), push.authorizationHeader());
        throw new GatewayRejectedException(failed + rejection(status, reason), status, reason);
      }
      try (InputStream in = connection.getInputStream()) {
        return body.read(in);
      }
    } catch (IOException e) {
      if (System.nanoTime() >= deadlineNanos) {
        throw new GatewayUnreachableException(failed + "no complete answer within the deadline (" + budgetMillis
            + " ms)", e);
      }
      if (e instanceof UnexpectedAnswerException) {
        String reason = "not the gateway's " + path + " (" + PushgatewaySink.oneLine(e.getMessage()) + ")";
        throw new GatewayRejectedException(failed + reason, 200, reason);
      }
      throw new GatewayUnreachableException(failed + unreachable(e), e);
    } finally {
      watchdog.cancel(false);
      connection.disconnect();
    }
  }

  private HttpURLConnection open(URL url, long budgetMillis) throws IOException {
    HttpURLConnection c = (HttpURLConnection) url.openConnection();
    c.setConnectTimeout((int) Math.max(1, Math.min(budgetMillis, push.connectTimeout().toMillis())));
    c.setReadTimeout((int) Math.max(1, Math.min(budgetMillis, push.readTimeout().toMillis())));
    c.setInstanceFollowRedirects(false);
    c.setUseCaches(false);
    String authorization = push.authorizationHeader();
    if (authorization != null) {
      c.setRequestProperty("Authorization", authorization);
    }
    SSLSocketFactory tls = push.sslSocketFactory();
    if (tls != null && c instanceof HttpsURLConnection) {
      ((HttpsURLConnection) c).setSSLSocketFactory(tls);
    }
    return c;
  }

  private String rejection(int status, String reason) {
    switch (status) {
      case 401:
        return push.authentication() == BatchPush.Authentication.NONE
            ? "the gateway requires credentials (401): set a username and password, or a bearer token"
            : "wrong credentials (401): check the username and password or bearer token";
      case 403:
        return "forbidden (403): these credentials may not read the gateway's metrics";
      case 404:
        return "not found (404): check the gateway URL and its path prefix";
      default:
        return "HTTP " + status + (reason.isEmpty() ? "" : ": " + reason);
    }
  }

  /** The start of an error answer's body, for {@link ErrorBody#summary}; empty when there is none. */
  private static String errorBody(HttpURLConnection connection) {
    try (InputStream in = connection.getErrorStream()) {
      return in == null ? "" : new String(in.readNBytes(MAX_ERROR_BODY), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  private String unreachable(IOException e) {
    String detail = e.getMessage() == null ? e.getClass().getSimpleName() : PushgatewaySink.oneLine(e.getMessage());
    if (e instanceof SSLException) {
      if (push.sslSocketFactory() == null) {
        return "TLS failed (" + detail + "): if the gateway's certificate is not publicly trusted, give its CA with "
            + push.caKey();
      }
      String trusted = push.caCertificates() != null ? push.caKey() + " '" + push.caCertificates() + "'"
          : "the truststore";
      return "TLS failed (" + detail + "): check that " + trusted + " holds the CA that signed the gateway's "
          + "certificate, and that the certificate names this host";
    }
    return (e instanceof SocketTimeoutException ? "no answer in time (" : "unreachable (")
        + e.getClass().getSimpleName() + ": " + detail + ")";
  }

  /** The labels a series of the group carries in the gateway's exposition. */
  static Map<String, String> group(String job, Map<String, String> labels) {
    Map<String, String> group = new LinkedHashMap<>(labels);
    group.put("job", job);
    group.putIfAbsent("instance", "");
    return group;
  }

  /**
   * The value of the first line of each of {@code metrics} whose labels are {@code group}, and, when {@code version}
   * is asked for, the version label of the first {@value #BUILD_INFO} line; stops reading once all are found.
   */
  static Found find(BufferedReader lines, Set<String> metrics, Map<String, String> group, boolean version)
      throws IOException {
    Map<String, Double> values = new HashMap<>();
    String gatewayVersion = null;
    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
      int brace = line.indexOf('{');
      if (brace <= 0 || line.charAt(0) == '#') {
        continue;
      }
      String name = line.substring(0, brace);
      Map<String, String> labels = new LinkedHashMap<>();
      if (version && gatewayVersion == null && name.equals(BUILD_INFO)) {
        if (parseLabels(line, brace + 1, labels) > 0) {
          gatewayVersion = labels.getOrDefault("version", "");
        }
      } else if (metrics.contains(name) && !values.containsKey(name)) {
        int end = parseLabels(line, brace + 1, labels);
        if (end > 0 && labels.equals(group)) {
          values.put(name, number(line.substring(end).trim().split(" ")[0]));
        }
      }
      if (values.size() == metrics.size() && (!version || gatewayVersion != null)) {
        break;
      }
    }
    return new Found(values, gatewayVersion);
  }

  /** A sample value of the text format, which writes infinities as +Inf and -Inf. */
  static double number(String text) {
    switch (text) {
      case "+Inf":
        return Double.POSITIVE_INFINITY;
      case "-Inf":
        return Double.NEGATIVE_INFINITY;
      default:
        return Double.parseDouble(text);
    }
  }

  /**
   * Parses {@code name="value",...}} from {@code from} (just after the '{') into {@code into}; returns the index
   * after the closing '}', or -1 when the line is not in the text format. Values are unescaped: {@code \\},
   * {@code \"} and {@code \n}.
   */
  static int parseLabels(String line, int from, Map<String, String> into) {
    int i = from;
    while (i < line.length() && line.charAt(i) != '}') {
      int eq = line.indexOf("=\"", i);
      if (eq < 0) {
        return -1;
      }
      String name = line.substring(i, eq);
      StringBuilder value = new StringBuilder();
      for (i = eq + 2; i < line.length() && line.charAt(i) != '"'; i++) {
        char c = line.charAt(i);
        if (c == '\\' && i + 1 < line.length()) {
          char next = line.charAt(++i);
          value.append(next == 'n' ? '\n' : next);
        } else {
          value.append(c);
        }
      }
      if (i >= line.length()) {
        return -1;
      }
      into.put(name, value.toString());
      i++;
      if (i < line.length() && line.charAt(i) == ',') {
        i++;
      }
    }
    return i < line.length() ? i + 1 : -1;
  }
}
