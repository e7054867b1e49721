package io.github.batchpush;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLSocketFactory;

/**
 * Reads from the Pushgateway with the credentials, CA and timeouts the pushes use, in one attempt bounded by the
 * caller's deadline: one gauge of one group from its exposition ({@code GET <gateway>/metrics}), or every group from
 * its API ({@code GET <gateway>/api/v1/metrics}).
 *
 * <pre>{@code
 * Double since = reader.value("batch_job_registered_timestamp_seconds", "nightly_report", Map.of(), deadline, what);
 * List<GatewayGroup> groups = reader.groups("batch_job_max_age_seconds", deadline, what);
 * }</pre>
 *
 * <p>The gateway cannot be asked for one group, so the whole exposition is streamed and only the lines of the one
 * metric are parsed. A series belongs to the group when its labels are exactly the group's: the job, the grouping
 * labels, and the empty {@code instance} the gateway adds to series pushed without one.
 */
final class GatewayReader {
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

  /**
   * The value of {@code metric} in the group {@code job} plus {@code labels}, or null when the group has none.
   *
   * @throws GatewayRejectedException when the gateway answers with an error status
   * @throws GatewayUnreachableException when no complete answer comes before {@code deadlineNanos}
   */
  Double value(String metric, String job, Map<String, String> labels, long deadlineNanos, String what) {
    return get("/metrics", deadlineNanos, what + " to " + push.gateway() + " failed: reading the gateway's metrics: ",
        in -> find(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)), metric, group(job, labels)));
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
        throw new GatewayRejectedException(failed + rejection(status), status, "");
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

  private String rejection(int status) {
    if (status == 401) {
      return push.authentication() == BatchPush.Authentication.NONE
          ? "the gateway requires credentials (401): set a username and password, or a bearer token"
          : "wrong credentials (401): check the username and password or bearer token";
    }
    if (status == 404) {
      return "not found (404): check the gateway URL and its path prefix";
    }
    return "HTTP " + status;
  }

  private static String unreachable(IOException e) {
    String detail = e.getMessage() == null ? e.getClass().getSimpleName() : PushgatewaySink.oneLine(e.getMessage());
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

  /** The value of the first line of {@code metric} whose labels are {@code labels}, or null. */
  static Double find(BufferedReader lines, String metric, Map<String, String> labels) throws IOException {
    String prefix = metric + "{";
    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
      if (!line.startsWith(prefix)) {
        continue;
      }
      Map<String, String> seriesLabels = new LinkedHashMap<>();
      int end = parseLabels(line, prefix.length(), seriesLabels);
      if (end > 0 && seriesLabels.equals(labels)) {
        return Double.parseDouble(line.substring(end).trim().split(" ")[0]);
      }
    }
    return null;
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
