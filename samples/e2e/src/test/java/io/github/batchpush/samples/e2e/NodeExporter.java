package io.github.batchpush.samples.e2e;

import io.github.batchpush.testing.Pushgateway;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The real node_exporter (Debian's {@code prometheus-node-exporter}) on a free loopback port, with only its textfile
 * collector on, reading {@code *.prom} from one directory.
 *
 * <pre>{@code
 * try (NodeExporter node = NodeExporter.start(textfiles)) {
 *   String metrics = node.metrics();
 * }
 * }</pre>
 *
 * <p>It is stopped by its PID on {@link #close()}.
 */
final class NodeExporter implements AutoCloseable {
  static final Path BINARY = Paths.get(System.getProperty("batchpush.node-exporter",
      "/usr/bin/prometheus-node-exporter"));

  private final Process process;
  private final int port;
  private final Path log;

  private NodeExporter(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  static NodeExporter start(Path textfileDirectory) throws IOException {
    if (!Files.isExecutable(BINARY)) {
      String message = BINARY + " is missing: apt-get install -y prometheus-node-exporter";
      if ("true".equals(System.getenv("CI"))) {
        throw new IllegalStateException(message + " (CI=true: a missing node_exporter fails the build)");
      }
      Assumptions.abort(message);
    }
    int port = Pushgateway.freePort();
    Path log = Files.createTempFile("node-exporter-" + port + "-", ".log");
    Process process = new ProcessBuilder(BINARY.toString(), "--collector.disable-defaults", "--collector.textfile",
        "--collector.textfile.directory=" + textfileDirectory, "--web.listen-address=127.0.0.1:" + port,
        "--log.level=warn")
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    NodeExporter node = new NodeExporter(process, port, log);
    node.awaitMetrics();
    return node;
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /** What a scrape of it returns. */
  String metrics() throws IOException {
    HttpURLConnection c = (HttpURLConnection) uri().resolve("/metrics").toURL().openConnection();
    c.setConnectTimeout(1000);
    c.setReadTimeout(5000);
    try (InputStream in = c.getInputStream()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  String logText() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  private void awaitMetrics() {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("node_exporter exited with " + process.exitValue() + ": " + logText());
      }
      try {
        metrics();
        return;
      } catch (IOException notYet) {
        Pushgateway.sleep(50);
      }
    }
    throw new IllegalStateException("node_exporter did not answer on " + port + " within 20 s: " + logText());
  }

  @Override
  public void close() {
    Prometheus.stop(process);
  }
}
