package io.github.batchpush;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.batchpush.testing.Pushgateway;
import io.github.batchpush.testing.RealPushgateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A spool written by batchpush 0.1 (runs at its top, the journal in its lock file) during an upgrade: its runs are
 * delivered, in order, and its journal still keeps older runs from landing on newer ones.
 */
class LegacySpoolTest {
  @RealPushgateway
  static Pushgateway gateway;

  @TempDir
  Path spool;

  private static Push run(String job, int exitCode, Instant end) {
    List<Push.Sample> samples = new ArrayList<>(List.of(
        new Push.Sample("batch_job_exit_code", "Exit code.", null, null, exitCode),
        new Push.Sample("batch_job_last_completion_timestamp_seconds", "Completion.", null, null,
            end.getEpochSecond())));
    if (exitCode == 0) {
      samples.add(new Push.Sample("batch_job_last_success_timestamp_seconds", "Success.", null, null,
          end.getEpochSecond()));
    }
    return new Push("batch_job", job, Map.of(), samples, end);
  }

  /** A run file as 0.1 wrote it: at the top of the spool, named after its finish time, {@code version=1}. */
  private void oldRunFile(Push push) throws Exception {
    Properties p = new Properties();
    SpoolFiles.toProperties(p, push, gateway.uri().toString(), "");
    Files.writeString(spool.resolve(String.format("%012d%09d-4711-%d-ab.run", push.finishedAt.getEpochSecond(),
        push.finishedAt.getNano(), push.job.length())), SpoolFiles.format(p));
  }

  @Test
  void theRunsAndTheJournalOfThePreviousVersionAreTakenOverAndDeliveredInOrder() throws Exception {
    Instant t = Instant.now().minus(Duration.ofHours(2)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    Files.createDirectories(spool);
    oldRunFile(run("legacy_job", 0, t));
    oldRunFile(run("legacy_job", 2, t.plusSeconds(60)));
    // Older than what the old journal says it delivered of its group: not news any more.
    oldRunFile(run("journaled_job", 5, t.plusSeconds(10)));
    Properties journal = new Properties();
    journal.setProperty("delivered." + gateway.uri() + " job/journaled_job",
        t.plusSeconds(30).toEpochMilli() + "," + t.toEpochMilli());
    SpoolFiles.toProperties(journal, run("in_flight_job", 0, t.plusSeconds(90)), gateway.uri().toString(),
        "inflight.");
    Files.writeString(spool.resolve(".lock"), SpoolFiles.format(journal));

    SpoolReport report = new Spool(spool, 100, Duration.ofDays(7), Clock.systemUTC()).replay(new Delivery(
        new PushgatewaySink(gateway.uri(), null, null, Duration.ofSeconds(3), Duration.ofSeconds(5)),
        Duration.ofMillis(10), Duration.ofMillis(20)), System.nanoTime() + Duration.ofSeconds(10).toNanos(), null);

    assertThat(report.toString()).isEqualTo("delivered 4, remaining 0, dropped 0, set aside 0");
    assertThat(gateway.group("legacy_job", Map.of())).containsEntry("batch_job_exit_code", 2.0)
        .containsEntry("batch_job_last_success_timestamp_seconds", (double) t.getEpochSecond());
    assertThat(gateway.value("in_flight_job", Map.of(), "batch_job_exit_code")).isEqualTo(0.0);
    assertThat(gateway.group("journaled_job", Map.of())).isEmpty();
    assertThat(Files.readString(spool.resolve(".lock"))).doesNotContain("inflight.").doesNotContain("delivered.http");
    try (Stream<Path> top = Files.list(spool)) {
      assertThat(top.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".run"))
          .collect(Collectors.toList())).isEmpty();
    }
  }
}
