package io.github.batchpush.samples.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.batchpush.testing.Pushgateway;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * The real Prometheus (Debian's {@code prometheus}) on a free loopback port, scraping its targets every second and
 * evaluating the given rule file every second: one Pushgateway with {@code honor_labels: true}, as
 * {@code samples/prometheus/prometheus.yml} does, or a node_exporter with a default scrape config.
 *
 * <pre>{@code
 * try (Prometheus prometheus = Prometheus.start(gateway.uri(), rules)) {
 *   JsonNode alerts = prometheus.awaitApi("/api/v1/alerts", data -> ..., Duration.ofSeconds(30));
 * }
 * }</pre>
 *
 * <p>Its TSDB lives in a temporary directory deleted on {@link #close()}; the process is stopped by its PID.
 */
final class Prometheus implements AutoCloseable {
  static final Path BINARY = Paths.get(System.getProperty("batchpush.prometheus", "/usr/bin/prometheus"));
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Process process;
  private final Path directory;
  private final int port;

  private Prometheus(Process process, Path directory, int port) {
    this.process = process;
    this.directory = directory;
    this.port = port;
  }

  /** Scrapes the gateway as samples/prometheus/prometheus.yml does: job "pushgateway", honor_labels. */
  static Prometheus start(URI gateway, Path rules) throws IOException {
    return start(rules, String.join("\n",
        "  - job_name: pushgateway",
        "    honor_labels: true",
        "    static_configs:",
        "      - targets: ['" + gateway.getHost() + ":" + gateway.getPort() + "']"));
  }

  /** Scrapes a node_exporter with a default scrape config: job "node", no honor_labels. */
  static Prometheus startScrapingNode(URI nodeExporter, Path rules) throws IOException {
    return start(rules, String.join("\n",
        "  - job_name: node",
        "    static_configs:",
        "      - targets: ['" + nodeExporter.getHost() + ":" + nodeExporter.getPort() + "']"));
  }

  private static Prometheus start(Path rules, String scrapeConfigs) throws IOException {
    requireBinary();
    Path directory = Files.createTempDirectory("prometheus-e2e-");
    Path config = directory.resolve("prometheus.yml");
    // Intervals short enough for a test.
    Files.writeString(config, String.join("\n",
        "global:",
        "  scrape_interval: 1s",
        "  evaluation_interval: 1s",
        "rule_files:",
        "  - " + rules.toAbsolutePath(),
        "scrape_configs:",
        scrapeConfigs,
        ""));
    int port = Pushgateway.freePort();
    Process process = new ProcessBuilder(BINARY.toString(), "--config.file=" + config,
        "--storage.tsdb.path=" + directory.resolve("data"), "--web.listen-address=127.0.0.1:" + port,
        "--log.level=warn")
        .redirectErrorStream(true).redirectOutput(directory.resolve("prometheus.log").toFile()).start();
    Prometheus prometheus = new Prometheus(process, directory, port);
    try {
      prometheus.awaitReady();
    } catch (RuntimeException e) {
      prometheus.close();
      throw e;
    }
    return prometheus;
  }

  static void requireBinary() {
    if (!Files.isExecutable(BINARY)) {
      String message = BINARY + " is missing: apt-get install -y prometheus";
      if ("true".equals(System.getenv("CI"))) {
        throw new IllegalStateException(message + " (CI=true: a missing Prometheus fails the build)");
      }
      Assumptions.abort(message);
    }
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /** The {@code data} of an instant query's answer: a list of {metric, value}. */
  JsonNode query(String promql) {
    return api("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
  }

  /** The {@code data} of a GET on this API path, e.g. {@code /api/v1/alerts}. */
  JsonNode api(String pathAndQuery) {
    try {
      HttpURLConnection c = (HttpURLConnection) uri().resolve(pathAndQuery).toURL().openConnection();
      c.setConnectTimeout(2000);
      c.setReadTimeout(5000);
      try (InputStream in = c.getResponseCode() < 400 ? c.getInputStream() : c.getErrorStream()) {
        JsonNode answer = JSON.readTree(in);
        if (!"success".equals(answer.path("status").asText())) {
          throw new IllegalStateException("Prometheus answered " + pathAndQuery + " with " + answer);
        }
        return answer.get("data");
      }
    } catch (IOException e) {
      throw new IllegalStateException("GET " + pathAndQuery + " failed: " + e, e);
    }
  }

  /** Polls an API path until its data satisfies {@code done}, for at most {@code timeout}; returns the last data. */
  JsonNode awaitApi(String pathAndQuery, Predicate<JsonNode> done, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    JsonNode data = api(pathAndQuery);
    while (!done.test(data) && System.nanoTime() < deadline) {
      Pushgateway.sleep(200);
      data = api(pathAndQuery);
    }
    return data;
  }

  String logText() {
    try {
      return Files.readString(directory.resolve("prometheus.log"));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** Stops a server the tests started, by its PID: TERM, then KILL after 10 s. */
  static void stop(Process process) {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private void awaitReady() {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("prometheus exited with " + process.exitValue() + ": " + logText());
      }
      try {
        HttpURLConnection c = (HttpURLConnection) uri().resolve("/-/ready").toURL().openConnection();
        c.setConnectTimeout(200);
        c.setReadTimeout(1000);
        if (c.getResponseCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Pushgateway.sleep(100);
    }
    throw new IllegalStateException("prometheus was not ready on " + port + " within 30 s: " + logText());
  }

  @Override
  public void close() {
    stop(process);
    try (Stream<Path> files = Files.walk(directory)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // A leftover temp directory is not worth failing a test over.
    }
  }
}
