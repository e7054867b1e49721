package io.github.batchpush.reliability;

import io.github.batchpush.testing.FaultServer;
import io.github.batchpush.testing.FaultServer.Fault;

import static io.github.batchpush.reliability.Runs.held;
import static io.github.batchpush.reliability.Runs.spooled;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.batchpush.BatchPush;
import io.github.batchpush.JobRun;
import io.github.batchpush.SpoolReport;
import io.github.batchpush.testing.FaultServer.Request;
import io.github.batchpush.testing.Pushgateway;
import io.github.batchpush.testing.RealPushgateway;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Many runs through one spool: a long outage's backlog, and many processes finishing at once. */
class SpoolScaleTest {
  @RealPushgateway
  static Pushgateway gateway;

  @TempDir
  Path spool;

  @TempDir
  Path work;

  @Test
  void aThousandSpooledRunsAreDrainedWithOnePushPerJobNewestFirst() throws Exception {
    TestClock clock = new TestClock("2026-11-25T12:00:00Z");
    int port = Pushgateway.freePort();
    BatchPush down = BatchPush.builder().gateway(URI.create("http://127.0.0.1:" + port))
        .spoolDirectory(spool).clock(clock).deadline(Duration.ofMillis(100)).build();
    long slowest = 0;
    for (int i = 0; i < 1000; i++) {
      JobRun run = down.start("backlog_" + i % 10);
      clock.advance(Duration.ofSeconds(1));
      run.gauge("sequence", i).succeeded();
      long t0 = System.nanoTime();
      run.close();
      slowest = Math.max(slowest, System.nanoTime() - t0);
    }
    assertThat(spooled(spool)).hasSize(1000);
    assertThat(Duration.ofNanos(slowest)).isLessThan(Duration.ofMillis(100).plus(FaultInjectionTest.SLACK));

    // The gateway comes back where it was; the server in front of it records the order the runs arrive in.
    try (FaultServer recording = FaultServer.startOnPort(port, gateway.uri(), List.of(Fault.pass()))) {
      long t0 = System.nanoTime();
      SpoolReport report = down.newBuilder().deadline(Duration.ofSeconds(60)).build().flush();
      Duration replay = Pushgateway.since(t0);

      assertThat(report.toString()).isEqualTo("delivered 1000, remaining 0, dropped 0, set aside 0");
      // Newest first: each job's newest run goes out whole; nothing of the older ones is news any more.
      assertThat(recording.requests().stream().map(SpoolScaleTest::sequence).collect(Collectors.toList()))
          .isEqualTo(IntStream.range(0, 10).map(i -> 999 - i).boxed().collect(Collectors.toList()));
      for (int job = 0; job < 10; job++) {
        assertThat(held(gateway, "backlog_" + job)).containsEntry("batch_job_sequence", 990.0 + job)
            .containsEntry("batch_job_exit_code", 0.0);
      }
      FaultMatrix.record("1,000 runs spooled while down (deadline 100 ms)", "drained with a push per job in "
          + replay.toMillis() + " ms", Duration.ofNanos(slowest));
    }
  }

  @Test
  void fiveHundredRunsFromTenProcessesSharingOneSpoolNeverArriveOlderOverNewerAndTheNewestWins() throws Exception {
    // The first 150 requests are dropped: the gateway is "down" for the first part of the runs.
    List<Fault> script = new ArrayList<>(Collections.nCopies(150, Fault.drop()));
    script.add(Fault.pass());
    try (FaultServer flaky = FaultServer.start(gateway.uri(), script)) {
      List<Process> children = new ArrayList<>();
      try {
        for (int c = 0; c < 10; c++) {
          children.add(Children.start(work.resolve("child-" + c + ".log"), "runs", flaky.uri().toString(),
              spool.toString(), "concurrent_" + c, "50", "1000"));
        }
        for (int c = 0; c < 10; c++) {
          assertThat(children.get(c).waitFor(120, TimeUnit.SECONDS)).as("child %d finished", c).isTrue();
          assertThat(children.get(c).exitValue()).as(Files.readString(work.resolve("child-" + c + ".log")))
              .isZero();
        }
      } finally {
        children.forEach(Process::destroyForcibly);
      }
      SpoolReport rest = BatchPush.builder().gateway(flaky.uri()).spoolDirectory(spool)
          .deadline(Duration.ofSeconds(30)).build().flush();

      assertThat(rest.remaining()).isZero();
      assertThat(spooled(spool)).isEmpty();
      List<Request> arrived = flaky.requests().subList(150, flaky.requests().size());
      Map<String, List<Integer>> perJob = new LinkedHashMap<>();
      for (Request r : arrived) {
        perJob.computeIfAbsent(r.path(), p -> new ArrayList<>()).add(sequence(r));
      }
      int sent = 0;
      for (int c = 0; c < 10; c++) {
        List<Integer> seen = perJob.get("/metrics/job/concurrent_" + c);
        // Never an older run over a newer one. A run that waited in the spool while a newer one of its job went
        // out is not sent at all: nothing of it is news.
        assertThat(seen).as("child %d", c).isSorted().endsWith(49);
        sent += seen.size();
        assertThat(held(gateway, "concurrent_" + c)).containsEntry("batch_job_sequence", 49.0);
      }
      System.out.println("concurrent spool: " + sent + " pushes for 500 runs (the others superseded before they "
          + "went out; a few sent twice after a timeout), " + flaky.requests().size() + " requests, flush delivered "
          + rest.delivered());
    }
  }

  /** The value of {@code batch_job_sequence} in a pushed body (text format). */
  static int sequence(Request r) {
    for (String line : r.body().split("\n")) {
      if (line.startsWith("batch_job_sequence ")) {
        return (int) Double.parseDouble(line.substring(line.indexOf(' ') + 1));
      }
    }
    throw new AssertionError("no batch_job_sequence in " + r.body());
  }
}
