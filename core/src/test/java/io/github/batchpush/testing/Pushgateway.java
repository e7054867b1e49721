package io.github.batchpush.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Assumptions;

/**
 * The real Pushgateway (Debian's {@code prometheus-pushgateway}) on a free loopback port, for tests.
 *
 * <pre>{@code
 * try (Pushgateway gateway = Pushgateway.start()) {
 *   ... push to gateway.uri() ...
 *   assertThat(gateway.value("nightly", Map.of(), "batch_job_exit_code")).isEqualTo(0.0);
 * }
 * }</pre>
 *
 * <p>It never persists ({@code --persistence.file=}) and is stopped by its PID. Without the binary the test is
 * skipped, except under {@code CI=true}, where that fails it.
 */
public final class Pushgateway implements AutoCloseable {
  public static final Path BINARY = Paths.get(System.getProperty("batchpush.pushgateway",
      "/usr/bin/prometheus-pushgateway"));
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Process process;
  private final int port;
  private final String scheme;
  private final String routePrefix;
  private final Path log;
  private String authorization;
  private SSLContext sslContext;

  private Pushgateway(Process process, int port, String scheme, String routePrefix, Path log) {
    this.process = process;
    this.port = port;
    this.scheme = scheme;
    this.routePrefix = routePrefix;
    this.log = log;
  }

  /** A plain gateway. */
  public static Pushgateway start() {
    return start(null, "", 0);
  }

  /** A gateway with {@code --web.route-prefix=routePrefix}, e.g. "/pgw". */
  public static Pushgateway startWithRoutePrefix(String routePrefix) {
    return start(null, routePrefix, 0);
  }

  /** A gateway with {@code --web.config.file=webConfig} (basic auth, TLS). */
  public static Pushgateway startWithWebConfig(Path webConfig, boolean tls) {
    Pushgateway gateway = start(webConfig, "", 0, tls);
    return gateway;
  }

  /** A gateway on a given port, for a restart on the same address. */
  public static Pushgateway startOnPort(int port) {
    return start(null, "", port);
  }

  private static Pushgateway start(Path webConfig, String routePrefix, int fixedPort) {
    return start(webConfig, routePrefix, fixedPort, false);
  }

  private static Pushgateway start(Path webConfig, String routePrefix, int fixedPort, boolean tls) {
    requireBinary();
    int port = fixedPort > 0 ? fixedPort : freePort();
    List<String> command = new ArrayList<>(List.of(BINARY.toString(),
        "--web.listen-address=127.0.0.1:" + port, "--persistence.file=", "--log.level=warn"));
    if (!routePrefix.isEmpty()) {
      command.add("--web.route-prefix=" + routePrefix);
    }
    if (webConfig != null) {
      command.add("--web.config.file=" + webConfig);
    }
    try {
      Path log = Files.createTempFile("pushgateway-" + port + "-", ".log");
      Process process = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(log.toFile()).start();
      Pushgateway gateway = new Pushgateway(process, port, tls ? "https" : "http", routePrefix, log);
      gateway.awaitListening();
      return gateway;
    } catch (IOException e) {
      throw new IllegalStateException("cannot start " + command + ": " + e, e);
    }
  }

  /** Skips the calling test when the binary is missing; fails it under CI=true. */
  public static void requireBinary() {
    if (!Files.isExecutable(BINARY)) {
      String message = BINARY + " is missing: apt-get install -y prometheus-pushgateway";
      if ("true".equals(System.getenv("CI"))) {
        throw new IllegalStateException(message + " (CI=true: a missing gateway fails the build)");
      }
      Assumptions.abort(message);
    }
  }

  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private void awaitListening() {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("pushgateway exited with " + process.exitValue() + ": " + logText());
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException notYet) {
        sleep(20);
      }
    }
    throw new IllegalStateException("pushgateway did not listen on " + port + " within 20 s: " + logText());
  }

  /** Credentials and trust for this fixture's own queries, when the gateway requires them. */
  public Pushgateway withClientAuth(String username, String password, SSLContext trust) {
    if (username != null) {
      authorization = "Basic " + Base64.getEncoder()
          .encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
    this.sslContext = trust;
    return this;
  }

  /** The base URL to configure batchpush with (including the route prefix). */
  public URI uri() {
    return URI.create(scheme + "://127.0.0.1:" + port + routePrefix);
  }

  public int port() {
    return port;
  }

  public long pid() {
    return process.pid();
  }

  /** Every group, as {labels, metrics: name -> list of series}, from {@code /api/v1/metrics}. */
  public JsonNode groups() {
    try {
      return JSON.readTree(get("/api/v1/metrics")).get("data");
    } catch (IOException e) {
      throw new IllegalStateException("unparsable /api/v1/metrics: " + e, e);
    }
  }

  /**
   * Every group as a set, for comparing the gateway's state before and after: the API lists groups in no stable order
   * (a Go map's), so two reads of an unchanged gateway may differ as text.
   */
  public Set<JsonNode> groupSet() {
    Set<JsonNode> set = new HashSet<>();
    groups().forEach(set::add);
    return set;
  }

  /**
   * The metric values of the group with exactly these labels (job included): name -> value of the series with
   * no labels beyond the group's; empty when the group does not exist.
   */
  public Map<String, Double> group(String job, Map<String, String> labels) {
    Map<String, String> wanted = new TreeMap<>(labels);
    wanted.put("job", job);
    for (JsonNode group : groups()) {
      Map<String, String> groupLabels = new TreeMap<>();
      group.get("labels").fields().forEachRemaining(e -> groupLabels.put(e.getKey(), e.getValue().asText()));
      if (!groupLabels.equals(wanted)) {
        continue;
      }
      Map<String, Double> values = new LinkedHashMap<>();
      group.fields().forEachRemaining(e -> {
        JsonNode metrics = e.getValue().get("metrics");
        if (metrics == null) {
          return;
        }
        for (JsonNode series : metrics) {
          Map<String, String> seriesLabels = new TreeMap<>();
          series.get("labels").fields().forEachRemaining(l -> seriesLabels.put(l.getKey(), l.getValue().asText()));
          seriesLabels.remove("instance");
          String extra = "";
          for (Map.Entry<String, String> l : seriesLabels.entrySet()) {
            if (!wanted.containsKey(l.getKey())) {
              extra += (extra.isEmpty() ? "" : ",") + l.getKey() + "=" + l.getValue();
            }
          }
          values.put(extra.isEmpty() ? e.getKey() : e.getKey() + "{" + extra + "}",
              Double.parseDouble(series.get("value").asText()));
        }
      });
      return values;
    }
    return Map.of();
  }

  /**
   * The group once the gateway has applied a DELETE of it: the gateway answers 202 before it applies one, so a read
   * right after may still see the group. Empty, or whatever is still there after 5 s.
   */
  public Map<String, Double> groupAfterDelete(String job, Map<String, String> labels) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    Map<String, Double> group = group(job, labels);
    while (!group.isEmpty() && System.nanoTime() < deadline) {
      sleep(20);
      group = group(job, labels);
    }
    return group;
  }

  /** The value of one unlabelled metric in a group, or null. */
  public Double value(String job, Map<String, String> labels, String metric) {
    return group(job, labels).get(metric);
  }

  /** The TYPE of one metric in a group ("GAUGE", "UNTYPED", ...), or null. */
  public String type(String job, String metric) {
    for (JsonNode group : groups()) {
      if (job.equals(group.get("labels").path("job").asText()) && group.has(metric)) {
        return group.get(metric).get("type").asText();
      }
    }
    return null;
  }

  /** The gateway's own text exposition of everything it holds. */
  public String scrape() {
    return get("/metrics");
  }

  /** The version the gateway reports in its own {@code pushgateway_build_info}. */
  public String version() {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile(
        "(?m)^pushgateway_build_info\\{[^}]*\\bversion=\"([^\"]*)\"").matcher(scrape());
    if (!m.find()) {
      throw new IllegalStateException("no pushgateway_build_info in " + uri() + "/metrics");
    }
    return m.group(1);
  }

  /** Sends a raw request, e.g. an untyped push to provoke a type conflict; returns the status. */
  public int request(String method, String path, String body) {
    try {
      HttpURLConnection c = open(path);
      c.setRequestMethod(method);
      if (body != null) {
        c.setDoOutput(true);
        c.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
      }
      int status = c.getResponseCode();
      c.disconnect();
      return status;
    } catch (IOException e) {
      throw new IllegalStateException(method + " " + path + ": " + e, e);
    }
  }

  private String get(String path) {
    try {
      HttpURLConnection c = open(path);
      try (InputStream in = c.getInputStream()) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      throw new IllegalStateException("GET " + path + ": " + e, e);
    }
  }

  private HttpURLConnection open(String path) throws IOException {
    HttpURLConnection c = (HttpURLConnection) new URL(uri() + path).openConnection();
    c.setConnectTimeout(5000);
    c.setReadTimeout(5000);
    if (authorization != null) {
      c.setRequestProperty("Authorization", authorization);
    }
    if (sslContext != null && c instanceof HttpsURLConnection) {
      ((HttpsURLConnection) c).setSSLSocketFactory(sslContext.getSocketFactory());
    }
    return c;
  }

  public String logText() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** Kills the gateway hard (SIGKILL), as a crash would. */
  public void kill() {
    process.destroyForcibly();
    waitFor();
  }

  @Override
  public void close() {
    process.destroy();
    waitFor();
  }

  private void waitFor() {
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  public static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public static Duration since(long nanoTimeStart) {
    return Duration.ofNanos(System.nanoTime() - nanoTimeStart);
  }
}
