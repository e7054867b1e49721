package io.github.batchpush.bench;

import io.github.batchpush.BatchPush;
import io.github.batchpush.testing.Pushgateway;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Gauge;
import io.prometheus.client.exporter.PushGateway;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One run through batchpush ({@code start()} + {@code close()}, default settings, spool on) against the raw
 * simpleclient {@code pushAdd} of the same five gauges, to the same real Pushgateway on loopback. Run by
 * {@code core/bench/run.sh}; SampleTime mode gives the median and p99 of each side by side.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class PushBenchmark {
  private Pushgateway gateway;
  private BatchPush push;
  private BatchPush noSpool;
  private PushGateway raw;

  @Setup
  public void setUp() throws IOException {
    gateway = Pushgateway.start();
    Path spool = Files.createTempDirectory("bench-spool");
    push = BatchPush.builder().gateway(gateway.uri()).spoolDirectory(spool).build();
    noSpool = push.newBuilder().noSpool().build();
    raw = new PushGateway("127.0.0.1:" + gateway.port());
  }

  @TearDown
  public void tearDown() {
    gateway.close();
  }

  @Benchmark
  public void batchpushStartClose() {
    push.start("bench_batchpush").succeeded().close();
  }

  @Benchmark
  public void batchpushNoSpool() {
    noSpool.start("bench_nospool").succeeded().close();
  }

  @Benchmark
  public void rawSimpleclientPushAdd() throws IOException {
    CollectorRegistry registry = new CollectorRegistry();
    long start = System.currentTimeMillis();
    gauge(registry, "batch_job_duration_seconds", 0);
    gauge(registry, "batch_job_last_start_timestamp_seconds", start / 1000.0);
    gauge(registry, "batch_job_last_completion_timestamp_seconds", System.currentTimeMillis() / 1000.0);
    gauge(registry, "batch_job_exit_code", 0);
    gauge(registry, "batch_job_last_success_timestamp_seconds", System.currentTimeMillis() / 1000.0);
    raw.pushAdd(registry, "bench_raw");
  }

  private static void gauge(CollectorRegistry registry, String name, double value) {
    Gauge.build().name(name).help(name).register(registry).set(value);
  }
}
