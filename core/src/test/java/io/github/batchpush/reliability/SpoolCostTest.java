package io.github.batchpush.reliability;

import static io.github.batchpush.reliability.Runs.held;
import static io.github.batchpush.reliability.Runs.run;
import static io.github.batchpush.reliability.Runs.spooled;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.batchpush.BatchPush;
import io.github.batchpush.reliability.Runs.Outcome;
import io.github.batchpush.testing.FaultServer;
import io.github.batchpush.testing.FaultServer.Fault;
import io.github.batchpush.testing.Pushgateway;
import io.github.batchpush.testing.RealPushgateway;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a delivery costs does not grow with the spool's history: it never looks at runs waiting for other gateways,
 * touches only its own group's index entry, and the index forgets groups not delivered within the spool's age
 * limit. (How much it costs is measured by {@code core/bench/spool-scale.sh}, not here.)
 */
class SpoolCostTest {
  @RealPushgateway
  static Pushgateway gateway;

  @TempDir
  Path spool;

  final TestClock clock = new TestClock(Instant.now().minus(Duration.ofDays(30)).toString());

  private BatchPush.Builder to(URI url) {
    return BatchPush.builder().gateway(url).spoolDirectory(spool).clock(clock);
  }

  /** The queue directories of the spool, one per gateway. */
  private List<Path> queues() throws IOException {
    try (Stream<Path> top = Files.list(spool)) {
      return top.filter(p -> p.getFileName().toString().matches(".+-[0-9a-f]{16}")).sorted()
          .collect(Collectors.toList());
    }
  }

  private List<Path> indexEntries(Path queue) throws IOException {
    Path index = queue.resolve("delivered");
    if (!Files.isDirectory(index)) {
      return List.of();
    }
    try (Stream<Path> entries = Files.list(index)) {
      return entries.filter(p -> !p.getFileName().toString().startsWith(".")).collect(Collectors.toList());
    }
  }

  @Test
  void runsWaitingForAnotherGatewayAreNeverOpenedByADeliveryToThisOne() throws Exception {
    clock.set(Instant.now().toString()); // young runs, which the child's tidying of other queues keeps
    URI elsewhere = URI.create("http://127.0.0.1:" + Pushgateway.freePort());
    run(to(elsewhere).deadline(Duration.ofMillis(300)).build(), clock, "elsewhere_job", 0);
    Path otherQueue = queues().get(0);
    // Opening this would block until a writer comes: a delivery that looked at the other queue's runs would hang.
    Path fifo = otherQueue.resolve(String.format("%012d000000000-fifo.run", clock.instant().getEpochSecond()));
    assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();

    Process child = Children.start(spool.resolveSibling(spool.getFileName() + ".log"), "job",
        gateway.uri().toString(), spool.toString(), "here_job", "0", "2000");
    try {
      assertThat(child.waitFor(20, TimeUnit.SECONDS)).as("the delivery ended").isTrue();
    } finally {
      child.destroyForcibly();
    }

    assertThat(child.exitValue()).isZero();
    assertThat(gateway.value("here_job", java.util.Map.of(), "batch_job_exit_code")).isEqualTo(0.0);
    assertThat(Files.readAttributes(fifo, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isOther()).isTrue();
    assertThat(spooled(spool)).hasSize(2);
  }

  /** Enough deliveries of {@code job} that the journal's records move to the index's links at least once. */
  private void manyRuns(BatchPush push, String job) {
    for (int i = 0; i < 70; i++) {
      run(push, clock, job, 0);
    }
  }

  @Test
  void aDeliveryRewritesOnlyItsOwnGroupsIndexEntry() throws Exception {
    BatchPush push = to(gateway.uri()).build();
    run(push, clock, "untouched_job", 0);
    manyRuns(push, "rewritten_job");
    List<Path> before = indexEntries(queues().get(0));
    assertThat(before).hasSize(2);
    List<Object> keysBefore = fileKeys(before);

    manyRuns(push, "rewritten_job");

    List<Object> keysAfter = fileKeys(before);
    // Exactly one entry was replaced (a new inode under its name); the other is the very same file.
    assertThat(keysAfter.stream().filter(keysBefore::contains).count()).isEqualTo(1);
  }

  private static List<Object> fileKeys(List<Path> entries) throws IOException {
    List<Object> keys = new java.util.ArrayList<>();
    for (Path entry : entries) {
      keys.add(Files.readAttributes(entry, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey());
    }
    return keys;
  }

  @Test
  void theIndexForgetsGroupsNotDeliveredWithinTheSpoolsAgeLimit() throws Exception {
    BatchPush push = to(gateway.uri()).build();
    run(push, clock, "forgotten_job", 0);
    manyRuns(push, "remembered_job");
    clock.advance(Duration.ofDays(6));
    manyRuns(push, "remembered_job");
    assertThat(indexEntries(queues().get(0))).hasSize(2);
    clock.advance(Duration.ofDays(2));

    run(push, clock, "third_job", 0);

    assertThat(indexEntries(queues().get(0))).hasSize(1);
  }

  @Test
  void theQueueOfAGatewayNoLongerUsedIsRemovedOnceItsRunsAgeOut() throws Exception {
    run(to(URI.create("http://127.0.0.1:" + Pushgateway.freePort())).deadline(Duration.ofMillis(300)).build(), clock,
        "retired_gateway_job", 0);
    run(to(gateway.uri()).deadline(Duration.ofMillis(300)).build(), clock, "current_gateway_job", 0);
    assertThat(queues()).hasSize(1);
    clock.advance(Duration.ofDays(8));

    to(gateway.uri()).build().flush();

    assertThat(queues()).isEmpty();
    assertThat(spooled(spool)).isEmpty();
  }

  @Test
  void aNewRunAheadOfABacklogIsDeliveredFirstAndWithinItsDeadline() throws Exception {
    int port = Pushgateway.freePort();
    URI url = URI.create("http://127.0.0.1:" + port);
    BatchPush down = to(url).deadline(Duration.ofMillis(100)).build();
    for (int i = 0; i < 200; i++) {
      run(down, clock, "backlog_" + i % 20, 0);
    }
    assertThat(spooled(spool)).hasSize(200);
    try (FaultServer slow = FaultServer.startOnPort(port, gateway.uri(), List.of(Fault.delayed(30)))) {
      Outcome fresh = run(to(url).deadline(Duration.ofSeconds(1)).build(), clock, "ahead_of_backlog_job", 0);

      assertThat(held(gateway, "ahead_of_backlog_job")).isEqualTo(fresh.values());
      assertThat(slow.requests().get(0).path()).isEqualTo("/metrics/job/ahead_of_backlog_job");
      assertThat(fresh.delay()).isLessThan(Duration.ofSeconds(1).plus(FaultInjectionTest.SLACK));
    }
  }
}
