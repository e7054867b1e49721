package io.github.batchpush;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.batchpush.testing.Pushgateway;
import io.github.batchpush.testing.RealPushgateway;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An exception thrown while a run is being sent (the JDK's HTTP client has thrown {@code NullPointerException:
 * "this.http" is null} under load) is a failed delivery: retried within the deadline, then spooled; never taken for
 * a malformed run, never a reason to move a good run to {@code corrupt/} or to delete the caller's own run.
 */
class SpoolSendingFaultTest {
  @RealPushgateway
  static Pushgateway gateway;

  @TempDir
  Path dir;

  /** The real sink, whose first {@code faults} attempts throw what the JDK's HTTP client threw under load. */
  static final class FaultySink implements Delivery.Sink {
    final PushgatewaySink real;
    final AtomicInteger faults;
    final AtomicInteger attempts = new AtomicInteger();

    FaultySink(URI gateway, int faults) {
      this.real = new PushgatewaySink(gateway, null, null, Duration.ofSeconds(3), Duration.ofSeconds(5));
      this.faults = new AtomicInteger(faults);
    }

    @Override
    public URI gateway() {
      return real.gateway();
    }

    @Override
    public void pushAdd(Push push, long budgetNanos) {
      attempts.incrementAndGet();
      if (faults.getAndDecrement() > 0) {
        throw new NullPointerException("Cannot invoke \"sun.net.www.http.HttpClient.getInputStream()\" because "
            + "\"this.http\" is null");
      }
      real.pushAdd(push, budgetNanos);
    }

    @Override
    public void delete(String job, Map<String, String> labels, long budgetNanos) {
      real.delete(job, labels, budgetNanos);
    }
  }

  Spool spool;

  @BeforeEach
  void spoolInTheTemporaryDirectory() {
    spool = new Spool(dir.resolve("spool"), 100, Duration.ofDays(7), Clock.systemUTC());
  }

  private static Push run(String job, int exitCode) {
    Instant end = Instant.now();
    List<Push.Sample> samples = new java.util.ArrayList<>(List.of(
        sample(MetricNames.EXIT_CODE, exitCode),
        sample(MetricNames.LAST_COMPLETION, end.getEpochSecond())));
    if (exitCode == 0) {
      samples.add(sample(MetricNames.LAST_SUCCESS, end.getEpochSecond()));
    }
    return new Push(MetricNames.DEFAULT_PREFIX, job, Map.of(), samples, end);
  }

  private static Push.Sample sample(String suffix, double value) {
    return new Push.Sample(MetricNames.name(MetricNames.DEFAULT_PREFIX, suffix), MetricNames.help(suffix), null,
        null, value);
  }

  private static Delivery delivery(Delivery.Sink sink) {
    return new Delivery(sink, Duration.ofMillis(20), Duration.ofMillis(100));
  }

  private static long inSeconds(int seconds) {
    return System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
  }

  private List<Path> files(String suffix) throws IOException {
    if (!Files.isDirectory(spool.directory())) {
      return List.of();
    }
    try (Stream<Path> all = Files.walk(spool.directory())) {
      return all.filter(p -> p.toString().endsWith(suffix)).collect(Collectors.toList());
    }
  }

  @Test
  void anExceptionInsideTheHttpClientIsRetriedAndTheRunDelivered() throws Exception {
    FaultySink sink = new FaultySink(gateway.uri(), 1);

    spool.deliver(run("npe_once_job", 0), delivery(sink), inSeconds(5));

    assertThat(sink.attempts).hasValue(2);
    assertThat(gateway.value("npe_once_job", Map.of(), "batch_job_exit_code")).isEqualTo(0.0);
    assertThat(files(".run")).isEmpty();
    assertThat(spool.directory().resolve("corrupt")).doesNotExist();
  }

  @Test
  void anExceptionOnEveryAttemptSpoolsTheRunAndTheNextDeliveryWithoutItSendsIt() throws Exception {
    FaultySink failing = new FaultySink(gateway.uri(), Integer.MAX_VALUE);

    GatewayUnreachableException e = catchThrowableOfType(GatewayUnreachableException.class,
        () -> spool.deliver(run("npe_always_job", 3), delivery(failing), inSeconds(1)));

    assertThat(failing.attempts.get()).isGreaterThan(1);
    assertThat(e.getMessage()).startsWith("push of {job=\"npe_always_job\"} to " + gateway.uri()
        + " failed: unexpected NullPointerException while sending").contains("; run spooled to ")
        .doesNotContain("this.http");
    assertThat(files(".run")).hasSize(1);
    assertThat(spool.directory().resolve("corrupt")).doesNotExist();

    SpoolReport report = spool.replay(delivery(new FaultySink(gateway.uri(), 0)), inSeconds(5), null);

    assertThat(report.toString()).isEqualTo("delivered 1, remaining 0, dropped 0, set aside 0");
    assertThat(gateway.value("npe_always_job", Map.of(), "batch_job_exit_code")).isEqualTo(3.0);
  }

  @Test
  void aSpooledRunWhoseSendThrowsStaysSpooledAndIsNotSetAside() throws Exception {
    FaultySink failing = new FaultySink(gateway.uri(), Integer.MAX_VALUE);
    catchThrowableOfType(PushException.class,
        () -> spool.deliver(run("npe_spooled_job", 0), delivery(failing), inSeconds(1)));

    SpoolReport report = spool.replay(delivery(failing), inSeconds(1), null);

    assertThat(report.delivered()).isZero();
    assertThat(report.remaining()).isEqualTo(1);
    assertThat(report.setAside()).isZero();
    assertThat(report.failure()).isInstanceOf(GatewayUnreachableException.class);
    assertThat(files(".run")).hasSize(1);
  }

  @Test
  void aMalformedSpoolFileIsSetAsideWhenReadAndNeverSent() throws Exception {
    FaultySink sink = new FaultySink(gateway.uri(), 0);
    Push malformed = new Push("batch_job", "malformed_job", Map.of(), List.of(new Push.Sample("not a metric name",
        "help", null, null, 1)), Instant.now());
    Path file = SpoolFiles.writeRun(Files.createDirectories(spool.directory()
        .resolve(SpoolQueue.directoryName(gateway.uri().toString()))), malformed, gateway.uri().toString());

    SpoolReport report = spool.replay(delivery(sink), inSeconds(5), null);

    assertThat(report.toString()).isEqualTo("delivered 0, remaining 0, dropped 0, set aside 1");
    assertThat(sink.attempts).hasValue(0);
    assertThat(spool.directory().resolve("corrupt").resolve(file.getFileName())).exists();
  }
}
