package io.github.batchpush.reliability;

import static io.github.batchpush.reliability.Runs.held;
import static io.github.batchpush.reliability.Runs.run;
import static io.github.batchpush.reliability.Runs.spooled;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.batchpush.BatchPush;
import io.github.batchpush.GatewayRejectedException;
import io.github.batchpush.JobRun;
import io.github.batchpush.SpoolReport;
import io.github.batchpush.reliability.Runs.Outcome;
import io.github.batchpush.testing.FaultServer;
import io.github.batchpush.testing.FaultServer.Fault;
import io.github.batchpush.testing.Pushgateway;
import io.github.batchpush.testing.RealPushgateway;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A spooled run the gateway refuses for good (a proxy's 403 for one job, a 413 for one big run) must not hold back
 * every other job's runs until it ages out of the spool; a refusal every job gets (wrong credentials) must not cost
 * a request per spooled run either.
 */
class SpoolRefusalTest {
  @RealPushgateway
  static Pushgateway gateway;

  @TempDir
  Path spool;

  final TestClock clock = new TestClock("2026-11-25T14:00:00Z");

  private BatchPush to(URI uri, Duration deadline) {
    return BatchPush.builder().gateway(uri).spoolDirectory(spool).clock(clock).deadline(deadline).build();
  }

  /** Spools one run of each job while nothing listens on {@code port}. */
  private void spoolWhileDown(int port, String... jobs) {
    BatchPush down = to(URI.create("http://127.0.0.1:" + port), Duration.ofMillis(300));
    for (String job : jobs) {
      run(down, clock, job, 0);
    }
    assertThat(spooled(spool)).hasSize(jobs.length);
  }

  private static List<String> paths(FaultServer server) {
    return server.requests().stream().map(FaultServer.Request::path).collect(Collectors.toList());
  }

  @Test
  void aGroupRefusedForGoodWaitsWhileTheOtherGroupsAreDelivered() throws Exception {
    int port = Pushgateway.freePort();
    Outcome accepted = run(to(URI.create("http://127.0.0.1:" + port), Duration.ofMillis(300)), clock,
        "accepted_job", 0);
    // The newer run, tried first: a replay goes from the newest run back.
    run(to(URI.create("http://127.0.0.1:" + port), Duration.ofMillis(300)), clock, "refused_job", 0);

    try (FaultServer proxy = FaultServer.startOnPort(port, gateway.uri(), List.of(Fault.status(403), Fault.pass()))) {
      SpoolReport report = to(proxy.uri(), Duration.ofSeconds(2)).flush();

      assertThat(report.delivered()).isEqualTo(1);
      assertThat(report.remaining()).isEqualTo(1);
      assertThat(report.failure()).isInstanceOfSatisfying(GatewayRejectedException.class,
          e -> assertThat(e.status()).isEqualTo(403));
      assertThat(paths(proxy)).containsExactly("/metrics/job/refused_job", "/metrics/job/accepted_job");
      assertThat(held(gateway, "accepted_job")).isEqualTo(accepted.values());
      assertThat(gateway.group("refused_job", Map.of())).isEmpty();
      assertThat(spooled(spool)).hasSize(1);

      // Once the gateway takes it, the refused run is delivered like any other.
      proxy.recover();
      SpoolReport later = to(proxy.uri(), Duration.ofSeconds(2)).flush();

      assertThat(later.delivered()).isEqualTo(1);
      assertThat(later.failure()).isNull();
      assertThat(gateway.group("refused_job", Map.of())).containsEntry("batch_job_exit_code", 0.0);
      assertThat(spooled(spool)).isEmpty();
    }
  }

  @Test
  void aSpooledRunTheRealGatewayRefusesForATypeConflictWaitsWhileTheOtherGroupsGoOn() throws Exception {
    int port = Pushgateway.freePort();
    URI url = URI.create("http://127.0.0.1:" + port);
    JobRun conflicting = to(url, Duration.ofMillis(300)).start("conflicting_job").gauge("shared_name", 1);
    clock.advance(Duration.ofSeconds(5));
    conflicting.succeeded().close();
    Outcome other = run(to(url, Duration.ofMillis(300)), clock, "unaffected_job", 0);
    assertThat(spooled(spool)).hasSize(2);

    try (Pushgateway up = Pushgateway.startOnPort(port)) {
      // Another group holds the same metric name untyped: the gateway refuses our gauge of it with a 400.
      assertThat(up.request("POST", "/metrics/job/holder", "batch_job_shared_name 2\n")).isEqualTo(200);
      SpoolReport report = to(url, Duration.ofSeconds(2)).flush();

      assertThat(report.delivered()).isEqualTo(1);
      assertThat(report.remaining()).isEqualTo(1);
      assertThat(report.failure()).isInstanceOfSatisfying(GatewayRejectedException.class, e -> {
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.getMessage()).contains("{job=\"conflicting_job\"}").contains("batch_job_shared_name")
            .doesNotContain("\n");
      });
      assertThat(held(up, "unaffected_job")).isEqualTo(other.values());
      assertThat(held(up, "conflicting_job")).isEmpty();

      // The conflict ends with the other group; the run was kept for that.
      assertThat(up.request("DELETE", "/metrics/job/holder", null)).isEqualTo(202);
      assertThat(to(url, Duration.ofSeconds(2)).flush().toString())
          .isEqualTo("delivered 1, remaining 0, dropped 0, set aside 0");
      assertThat(up.value("conflicting_job", Map.of(), "batch_job_shared_name")).isEqualTo(1.0);
    }
  }

  @Test
  void aNewRunGoesOutAheadOfASpooledRunOfAnotherJobThatIsRefusedAndThatOneWaits() throws Exception {
    int port = Pushgateway.freePort();
    spoolWhileDown(port, "refused_before_new_job");

    try (FaultServer proxy = FaultServer.startOnPort(port, gateway.uri(), List.of(Fault.pass(), Fault.status(413)))) {
      Outcome fresh = run(to(proxy.uri(), Duration.ofSeconds(2)), clock, "fresh_job", 0);

      assertThat(paths(proxy)).containsExactly("/metrics/job/fresh_job", "/metrics/job/refused_before_new_job");
      assertThat(held(gateway, "fresh_job")).isEqualTo(fresh.values());
      assertThat(spooled(spool)).hasSize(1);
    }
  }

  @Test
  void oneJobRefusedUnderTwoLabelSetsStillLetsTheOtherJobsThrough() throws Exception {
    int port = Pushgateway.freePort();
    URI down = URI.create("http://127.0.0.1:" + port);
    Outcome other = run(to(down, Duration.ofMillis(300)), clock, "proxy_allowed_job", 0);
    run(to(down, Duration.ofMillis(300)).newBuilder().label("instance", "a").build(), clock, "proxy_denied_job", 0);
    run(to(down, Duration.ofMillis(300)).newBuilder().label("instance", "b").build(), clock, "proxy_denied_job", 0);

    try (FaultServer proxy = FaultServer.startOnPort(port, gateway.uri(),
        List.of(Fault.status(403), Fault.status(403), Fault.pass()))) {
      SpoolReport report = to(proxy.uri(), Duration.ofSeconds(2)).flush();

      assertThat(report.delivered()).isEqualTo(1);
      assertThat(report.remaining()).isEqualTo(2);
      assertThat(paths(proxy)).containsExactly("/metrics/job/proxy_denied_job/instance/b",
          "/metrics/job/proxy_denied_job/instance/a", "/metrics/job/proxy_allowed_job");
      assertThat(held(gateway, "proxy_allowed_job")).isEqualTo(other.values());
    }
  }

  @Test
  void aRunLeftSpooledBehindItsGroupsRefusalIsToldThatRefusalNotAnotherJobs() throws Exception {
    int port = Pushgateway.freePort();
    spoolWhileDown(port, "blamed_job", "bystander_job");

    try (FaultServer proxy = FaultServer.startOnPort(port, gateway.uri(),
        List.of(Fault.status(413), Fault.status(403), Fault.pass()))) {
      BatchPush strict = to(proxy.uri(), Duration.ofSeconds(2)).newBuilder().strict(true).build();
      JobRun run = strict.start("blamed_job");
      run.succeeded();

      assertThatThrownBy(run::close).isInstanceOfSatisfying(GatewayRejectedException.class, e -> {
        assertThat(e.status()).isEqualTo(413);
        assertThat(e.getMessage()).contains("blamed_job").doesNotContain("bystander_job")
            .contains("run spooled to");
      });
      assertThat(paths(proxy)).containsExactly("/metrics/job/blamed_job", "/metrics/job/bystander_job");
      assertThat(spooled(spool)).hasSize(3);
    }
  }

  @Test
  void aRefusalEveryJobGetsStopsTheReplayAtTheSecondJob() throws Exception {
    int port = Pushgateway.freePort();
    spoolWhileDown(port, "locked_out_a", "locked_out_b", "locked_out_c", "locked_out_d");

    try (FaultServer proxy = FaultServer.startOnPort(port, gateway.uri(), List.of(Fault.status(401)))) {
      SpoolReport report = to(proxy.uri(), Duration.ofSeconds(2)).flush();

      assertThat(report.delivered()).isZero();
      assertThat(report.remaining()).isEqualTo(4);
      assertThat(report.failure()).isInstanceOfSatisfying(GatewayRejectedException.class,
          e -> assertThat(e.status()).isEqualTo(401));
      // Newest first: d, then c, and the second job refused the same way ends it.
      assertThat(paths(proxy)).containsExactly("/metrics/job/locked_out_d", "/metrics/job/locked_out_c");
    }
  }
}
