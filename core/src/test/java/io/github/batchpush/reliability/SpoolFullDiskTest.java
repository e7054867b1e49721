package io.github.batchpush.reliability;

import static io.github.batchpush.reliability.Runs.held;
import static io.github.batchpush.reliability.Runs.run;
import static io.github.batchpush.reliability.Runs.spooled;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.batchpush.BatchPush;
import io.github.batchpush.reliability.Runs.Outcome;
import io.github.batchpush.testing.Pushgateway;
import io.github.batchpush.testing.RealPushgateway;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A spool that cannot be written, or only in part: {@code ulimit -f} makes every write that grows a file fail as on
 * a full disk (at 0), or stop after so many 512-byte blocks. A run is then never pushed without the order check,
 * never pushed unrecorded, and no half-written file ever costs a run.
 */
class SpoolFullDiskTest {
  @RealPushgateway
  static Pushgateway gateway;

  @TempDir
  Path spool;

  /** Runs {@code SpoolChild job} after {@code limit}; returns its output once it exited with the job's code. */
  private String jobAfter(String limit, String job, int exitCode, String... backdateMillis) throws Exception {
    List<String> args = new ArrayList<>(List.of("job", gateway.uri().toString(), spool.toString(), job,
        String.valueOf(exitCode), "5000"));
    args.addAll(List.of(backdateMillis));
    Process child = Children.startAfter(limit, args.toArray(new String[0]));
    String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(child.exitValue()).as(output).isEqualTo(exitCode);
    return output;
  }

  @Test
  void anUnwritableSpoolNeverPushesAnOlderRunOverANewerOne() throws Exception {
    // The newer run, delivered through the spool, finished half an hour ago; the child's run finished an hour ago and
    // is only delivered now, as a run that waited behind it would be.
    TestClock earlier = new TestClock(Instant.now().minus(Duration.ofMinutes(35)).toString());
    Outcome newer = run(BatchPush.builder().gateway(gateway.uri()).spoolDirectory(spool).clock(earlier).build(),
        earlier, "unwritable_job", 0);

    String output = jobAfter("ulimit -f 0", "unwritable_job", 3, String.valueOf(Duration.ofHours(1).toMillis()));

    assertThat(held(gateway, "unwritable_job")).isEqualTo(newer.values());
    assertThat(output).doesNotContain("batchpush:");
  }

  @Test
  void aDeliveryThatCanWriteOnlyPartOfAFileLosesNoRunAndLeavesNothingHalfWritten() throws Exception {
    String partial = jobAfter("ulimit -f 1", "partial_job", 3);
    String next = jobAfter("true", "after_partial_job", 0);

    assertThat(gateway.value("partial_job", Map.of(), "batch_job_exit_code")).isEqualTo(3.0);
    assertThat(gateway.value("after_partial_job", Map.of(), "batch_job_exit_code")).isEqualTo(0.0);
    assertThat(partial).doesNotContain("LOST");
    assertThat(next).doesNotContain("batchpush:");
    assertThat(spooled(spool)).isEmpty();
    assertThat(spool.resolve("corrupt")).doesNotExist();
    assertThat(filesNamed(".tmp-")).isEmpty();
  }

  @Test
  void aRunSpooledEarlierSurvivesADeliveryThatCanWriteOnlyPartOfAFile() throws Exception {
    int port = Pushgateway.freePort();
    TestClock clock = new TestClock(Instant.now().minus(Duration.ofMinutes(5)).toString());
    BatchPush down = BatchPush.builder().gateway(java.net.URI.create("http://127.0.0.1:" + port))
        .spoolDirectory(spool).clock(clock).deadline(Duration.ofMillis(300)).build();
    Outcome earlier = run(down, clock, "earlier_job", 0);
    try (Pushgateway up = Pushgateway.startOnPort(port)) {
      Process child = Children.startAfter("ulimit -f 1", "job", up.uri().toString(), spool.toString(),
          "partial_writer_job", "4", "5000");
      String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();

      assertThat(held(up, "earlier_job")).isEqualTo(earlier.values());
      assertThat(up.value("partial_writer_job", Map.of(), "batch_job_exit_code")).as(output).isEqualTo(4.0);
      assertThat(spooled(spool)).isEmpty();
    }
  }

  @Test
  void aRunTheSpoolCanKeepInNoWayStillGoesOutAndSaysItsDeliveryWasNotRecorded() throws Exception {
    // A file where this gateway's queue should be: no run file, no index entry can be written there.
    Path queue = Runs.queueFor(spool, gateway.uri(), "queue_maker_job");
    deleteTree(queue);
    Files.writeString(queue, "not a directory");

    String output = jobAfter("ulimit -f 0", "unrecorded_job", 3);

    assertThat(gateway.value("unrecorded_job", Map.of(), "batch_job_exit_code")).isEqualTo(3.0);
    assertThat(output.lines().filter(l -> l.contains("{job=\"unrecorded_job\"}")).collect(Collectors.toList()))
        .as(output).singleElement().asString()
        .contains("it went out unspooled, but its delivery could not be recorded");
  }

  @Test
  void aRunTheSpoolCannotWriteAsAFileWaitsInTheLockFileForALaterDelivery() throws Exception {
    int port = Pushgateway.freePort();
    URI down = URI.create("http://127.0.0.1:" + port);
    TestClock clock = new TestClock(Instant.now().minus(Duration.ofMinutes(5)).toString());
    run(BatchPush.builder().gateway(down).spoolDirectory(spool).clock(clock).deadline(Duration.ofMillis(300)).build(),
        clock, "queue_maker_job", 0);
    // A file where this gateway's queue should be: no run file can be written there.
    Path queue = queueDirectory();
    deleteTree(queue);
    Files.writeString(queue, "not a directory");

    Outcome kept = run(BatchPush.builder().gateway(down).spoolDirectory(spool).clock(clock)
        .deadline(Duration.ofMillis(300)).build(), clock, "kept_in_flight_job", 3);
    assertThat(Files.readString(spool.resolve(".lock"))).contains("kept_in_flight_job");
    Files.delete(queue);

    try (Pushgateway up = Pushgateway.startOnPort(port)) {
      BatchPush.builder().gateway(down).spoolDirectory(spool).clock(clock).build().flush();

      assertThat(held(up, "kept_in_flight_job")).isEqualTo(kept.values());
      assertThat(Files.readString(spool.resolve(".lock"))).doesNotContain("kept_in_flight_job");
    }
  }

  private Path queueDirectory() throws IOException {
    try (Stream<Path> top = Files.list(spool)) {
      return top.filter(p -> p.getFileName().toString().matches(".+-[0-9a-f]{16}")).findFirst().orElseThrow();
    }
  }

  private List<Path> filesNamed(String prefix) throws IOException {
    try (Stream<Path> all = Files.walk(spool)) {
      return all.filter(p -> p.getFileName().toString().startsWith(prefix)).collect(Collectors.toList());
    }
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
        Files.delete(p);
      }
    }
  }
}
