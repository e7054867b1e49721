package io.github.batchpush;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.batchpush.testing.Pushgateway;
import io.github.batchpush.testing.RealPushgateway;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The delivery policy, seen from what reaches the real gateway and in which order. */
class SpoolDeliveryTest {
  @RealPushgateway
  static Pushgateway gateway;

  @TempDir
  Path dir;

  Spool spool;
  RecordingSink sink;

  /** The real sink, recording each push (group and metric names); while {@code down}, it fails as unreachable. */
  static final class RecordingSink implements Delivery.Sink {
    final PushgatewaySink real;
    final List<String> pushes = Collections.synchronizedList(new ArrayList<>());
    volatile boolean down;

    RecordingSink(URI gateway) {
      this.real = new PushgatewaySink(gateway, null, null, Duration.ofSeconds(3), Duration.ofSeconds(5));
    }

    @Override
    public URI gateway() {
      return real.gateway();
    }

    @Override
    public void pushAdd(Push push, long budgetNanos) {
      if (down) {
        throw new GatewayUnreachableException("down", null);
      }
      pushes.add(push.job + " " + push.samples.stream().map(s -> s.name.replace("batch_job_", ""))
          .collect(Collectors.joining(",")));
      real.pushAdd(push, budgetNanos);
    }

    @Override
    public void delete(String job, Map<String, String> labels, long budgetNanos) {
      real.delete(job, labels, budgetNanos);
    }
  }

  @BeforeEach
  void spoolAndSink() {
    spool = new Spool(dir.resolve("spool"), 100, Duration.ofDays(7), Clock.systemUTC());
    sink = new RecordingSink(gateway.uri());
  }

  private Delivery delivery() {
    return new Delivery(sink, Duration.ofMillis(10), Duration.ofMillis(20));
  }

  private static Push run(String job, int exitCode, Instant end) {
    List<Push.Sample> samples = new ArrayList<>(List.of(
        new Push.Sample("batch_job_exit_code", "h", null, null, exitCode),
        new Push.Sample("batch_job_last_completion_timestamp_seconds", "h", null, null, end.getEpochSecond())));
    if (exitCode == 0) {
      samples.add(new Push.Sample("batch_job_last_success_timestamp_seconds", "h", null, null, end.getEpochSecond()));
    }
    return new Push("batch_job", job, Map.of(), samples, end);
  }

  private void spoolWhileDown(Push... runs) {
    sink.down = true;
    for (Push run : runs) {
      assertThat(catchThrowable(() -> spool.deliver(run, delivery(), System.nanoTime() + 200_000_000L)))
          .hasMessageContaining("run spooled to");
    }
    sink.down = false;
  }

  private void deliver(Push run) {
    spool.deliver(run, delivery(), System.nanoTime() + Duration.ofSeconds(5).toNanos());
  }

  @Test
  void runsGoNewestFirstTheRunJustFinishedAheadOfTheBacklog() {
    Instant t = Instant.now().minus(Duration.ofHours(1));
    spoolWhileDown(run("first_job", 0, t), run("second_job", 0, t.plusSeconds(60)));

    deliver(run("third_job", 0, t.plusSeconds(120)));

    assertThat(sink.pushes).extracting(p -> p.split(" ")[0]).containsExactly("third_job", "second_job", "first_job");
  }

  @Test
  void olderRunsOfTheGroupSentAfterANewerOneCarryOnlyWhatIsStillNews() {
    Instant t = Instant.now().minus(Duration.ofHours(1));
    spoolWhileDown(run("news_job", 0, t), run("news_job", 2, t.plusSeconds(60)));

    deliver(run("news_job", 3, t.plusSeconds(120)));

    assertThat(sink.pushes).containsExactly(
        "news_job exit_code,last_completion_timestamp_seconds",
        "news_job last_success_timestamp_seconds");
    assertThat(gateway.group("news_job", Map.of())).containsEntry("batch_job_exit_code", 3.0)
        .containsEntry("batch_job_last_success_timestamp_seconds", (double) t.getEpochSecond());
  }

  @Test
  void aRunWhoseEveryMetricANewerRunSentIsDeletedUnsent() {
    Instant t = Instant.now().minus(Duration.ofHours(1));
    deliver(run("superseded_job", 1, t.plusSeconds(60)));
    sink.pushes.clear();

    deliver(run("superseded_job", 4, t));

    assertThat(sink.pushes).isEmpty();
    assertThat(gateway.value("superseded_job", Map.of(), "batch_job_exit_code")).isEqualTo(1.0);
  }
}
