package io.github.batchpush.reliability;

import io.github.batchpush.testing.FaultServer;
import io.github.batchpush.testing.FaultServer.Fault;

import static io.github.batchpush.reliability.Runs.held;
import static io.github.batchpush.reliability.Runs.merged;
import static io.github.batchpush.reliability.Runs.run;
import static io.github.batchpush.reliability.Runs.spooled;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.batchpush.BatchPush;
import io.github.batchpush.GatewayRejectedException;
import io.github.batchpush.GatewayUnreachableException;
import io.github.batchpush.JobRun;
import io.github.batchpush.reliability.Runs.Outcome;
import io.github.batchpush.testing.Pushgateway;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.security.crypto.bcrypt.BCrypt;

/**
 * The faults that need a gateway of their own (killed, restarted, with basic auth, with TLS) or a batchpush in a
 * process of its own (its exit code, SIGKILL).
 */
class GatewayLifecycleTest {
  static final Duration DEADLINE = FaultInjectionTest.DEADLINE;
  static final Duration SLACK = FaultInjectionTest.SLACK;

  @TempDir
  Path spool;

  @TempDir
  Path work;

  final TestClock clock = new TestClock("2026-11-25T11:00:00Z");

  private BatchPush.Builder to(URI uri) {
    return BatchPush.builder().gateway(uri).spoolDirectory(spool).clock(clock).deadline(DEADLINE);
  }

  @Test
  void aGatewayKilledDuringTheRunGetsTheRunOnceItIsBackOnTheSamePort() {
    Pushgateway first = Pushgateway.start();
    int port = first.port();
    BatchPush push = to(first.uri()).build();
    JobRun running = push.start("killed_job");
    first.kill();
    clock.advance(Duration.ofSeconds(5));
    double end = clock.seconds();
    long t0 = System.nanoTime();
    running.succeeded().close();
    Duration delay = Pushgateway.since(t0);

    assertThat(delay).isLessThan(DEADLINE.plus(SLACK));
    assertThat(spooled(spool)).hasSize(1);
    try (Pushgateway again = Pushgateway.startOnPort(port)) {
      clock.advance(Duration.ofMinutes(1));
      Outcome next = run(push, clock, "killed_job", 6);
      assertThat(held(again, "killed_job"))
          .containsEntry("batch_job_last_success_timestamp_seconds", end)
          .isEqualTo(merged(next.values(), java.util.Map.of("batch_job_last_success_timestamp_seconds", end)));
      assertThat(spooled(spool)).isEmpty();
    }
    FaultMatrix.record("gateway killed (SIGKILL) during the run", "spooled; replayed after restart", delay);
  }

  @Test
  void aGatewayRestartedEmptyWhileTheRunIsBeingDeliveredGetsItByARetry() throws Exception {
    Pushgateway first = Pushgateway.start();
    int port = first.port();
    BatchPush push = to(first.uri()).deadline(Duration.ofSeconds(10)).build();
    Outcome before = run(push, clock, "restarted_job", 0);
    assertThat(held(first, "restarted_job")).isEqualTo(before.values());
    first.close();
    Pushgateway[] again = new Pushgateway[1];
    CompletableFuture<Void> restart = CompletableFuture.runAsync(() -> {
      Pushgateway.sleep(1000);
      again[0] = Pushgateway.startOnPort(port);
    });
    try {
      clock.advance(Duration.ofMinutes(1));
      Outcome during = run(push, clock, "restarted_job", 7);
      restart.get(20, TimeUnit.SECONDS);

      assertThat(during.delay()).isBetween(Duration.ofMillis(900), Duration.ofSeconds(10).plus(SLACK));
      assertThat(spooled(spool)).isEmpty();
      // The restarted gateway forgot the earlier success (it runs without --persistence.file): batchpush does not
      // keep history to re-send, so the group holds this run's values and nothing stale.
      assertThat(held(again[0], "restarted_job")).isEqualTo(during.values());
      FaultMatrix.record("gateway restarted empty during delivery", "delivered by a retry after the restart",
          during.delay());
    } finally {
      restart.join();
      again[0].close();
    }
  }

  @Test
  void wrongCredentialsAreRefusedOnceAndTheSpooledRunArrivesWhenTheyAreFixed() throws Exception {
    String password = "s3cret-Pa55";
    Path webConfig = work.resolve("web.yml");
    // Cost 4: the gateway checks the hash on every request, and the default cost would slow each one down.
    Files.writeString(webConfig, "basic_auth_users:\n  pusher: " + BCrypt.hashpw(password, BCrypt.gensalt(4))
        + "\n");
    try (Pushgateway secured = Pushgateway.startWithWebConfig(webConfig, false)
        .withClientAuth("pusher", password, null);
        FaultServer counting = FaultServer.start(secured.uri(), Fault.pass())) {
      Outcome refused = run(to(counting.uri()).basicAuth("pusher", "wrong").build(), clock, "auth_job", 0);

      assertThat(counting.requests()).hasSize(1);
      assertThat(refused.delay()).isLessThan(SLACK);
      assertThat(spooled(spool)).hasSize(1);
      JobRun strict = to(counting.uri()).basicAuth("pusher", "wrong").strict(true).noSpool().build()
          .start("auth_job");
      GatewayRejectedException e = catchThrowableOfType(GatewayRejectedException.class, strict::close);
      assertThat(e.getMessage()).isEqualTo("push of {job=\"auth_job\"} to " + counting.uri()
          + " failed: wrong credentials (401): check the username and password or bearer token");

      clock.advance(Duration.ofMinutes(1));
      Outcome fixed = run(to(counting.uri()).basicAuth("pusher", password).build(), clock, "auth_job", 8);
      assertThat(held(secured, "auth_job")).isEqualTo(merged(refused.values(), fixed.values()));
      assertThat(spooled(spool)).isEmpty();
      FaultMatrix.record("401 wrong credentials (real gateway)", "refused once; spooled; replayed when fixed",
          refused.delay());
    }
  }

  @Test
  void anUntrustedCertificateFailsWithAHintAndTheRunArrivesOnceTheCaIsConfigured() throws Exception {
    Path cert = work.resolve("cert.pem");
    Path key = work.resolve("key.pem");
    Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
        "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key.toString(), "-out", cert.toString(), "-days", "2",
        "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1")
        .redirectErrorStream(true).redirectOutput(work.resolve("openssl.log").toFile()).start();
    assertThat(openssl.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(openssl.exitValue()).as(Files.readString(work.resolve("openssl.log"))).isZero();
    Path webConfig = work.resolve("web.yml");
    Files.writeString(webConfig, "tls_server_config:\n  cert_file: " + cert + "\n  key_file: " + key + "\n");
    try (Pushgateway tls = Pushgateway.startWithWebConfig(webConfig, true)
        .withClientAuth(null, null, trusting(cert))) {
      assertThat(tls.uri().getScheme()).isEqualTo("https");
      Outcome untrusted = run(to(tls.uri()).build(), clock, "tls_job", 0);

      // Not retried: an untrusted certificate stays untrusted.
      assertThat(untrusted.delay()).isLessThan(SLACK);
      assertThat(spooled(spool)).hasSize(1);
      JobRun strict = to(tls.uri()).strict(true).noSpool().build().start("tls_job");
      GatewayUnreachableException e = catchThrowableOfType(GatewayUnreachableException.class, strict::close);
      assertThat(e.getMessage()).startsWith("push of {job=\"tls_job\"} to " + tls.uri() + " failed: TLS failed (")
          .endsWith("): if the gateway's certificate is not publicly trusted, give its CA with BATCHPUSH_CA_CERT");

      clock.advance(Duration.ofMinutes(1));
      Outcome trusted = run(to(tls.uri()).caCertificates(cert).build(), clock, "tls_job", 9);
      assertThat(held(tls, "tls_job")).isEqualTo(merged(untrusted.values(), trusted.values()));
      FaultMatrix.record("TLS certificate not trusted (real gateway)", "spooled; replayed once the CA is given",
          untrusted.delay());
    }
  }

  @Test
  void aJobInItsOwnProcessKeepsItsExitCodeWhenTheGatewayHangs() throws Exception {
    try (Pushgateway gateway = Pushgateway.start(); FaultServer hang = FaultServer.start(gateway.uri(), Fault.hang())) {
      Path log = work.resolve("child.log");
      Process child = Children.start(log, "job", hang.uri().toString(), spool.toString(), "exit_code_job", "3",
          "2000");
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("child finished").isTrue();

      assertThat(child.exitValue()).as(Files.readString(log)).isEqualTo(3);
      long closeMillis = closedMillis(log);
      assertThat(closeMillis).isLessThan(2000 + SLACK.toMillis());
      hang.recover();
      assertThat(to(hang.uri()).build().flush().delivered()).isEqualTo(1);
      assertThat(held(gateway, "exit_code_job")).containsEntry("batch_job_exit_code", 3.0);
      FaultMatrix.record("hang, job in its own JVM (deadline 2 s)", "exit code 3 kept; spooled; replayed",
          Duration.ofMillis(closeMillis));
    }
  }

  @Test
  void batchpushKilledWithSigkillWhilePushingLosesNothingAndBlocksNoLaterDelivery() throws Exception {
    try (Pushgateway gateway = Pushgateway.start(); FaultServer hang = FaultServer.start(gateway.uri(), Fault.hang())) {
      Path log = work.resolve("child.log");
      Process child = Children.start(log, "job", hang.uri().toString(), spool.toString(), "sigkill_job", "4",
          "60000");
      try {
        assertThat(hang.awaitRequests(1, 30_000)).as("the child's push reached the server").isTrue();
        // The shell's built-in kill: a real SIGKILL, without needing procps's /bin/kill on a minimal image.
        Process kill = new ProcessBuilder("sh", "-c", "kill -KILL " + child.pid()).start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).isEqualTo(128 + 9);
      } finally {
        child.destroyForcibly();
      }

      hang.recover();
      Outcome after = run(to(hang.uri()).build(), clock, "after_kill_job", 0);

      // The dead process's lock went with it: this delivery did not wait for it.
      assertThat(after.delay()).isLessThan(SLACK);
      assertThat(held(gateway, "after_kill_job")).isEqualTo(after.values());
      assertThat(held(gateway, "sigkill_job")).containsEntry("batch_job_exit_code", 4.0);
      assertThat(spooled(spool)).isEmpty();
      FaultMatrix.record("batchpush SIGKILLed while pushing", "run kept in the spool; next delivery replays it",
          after.delay());
    }
  }

  private static long closedMillis(Path log) throws Exception {
    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
    return lines.stream().filter(l -> l.startsWith("closed ")).mapToLong(l -> Long.parseLong(l.substring(7)))
        .findFirst().orElseThrow(() -> new AssertionError("no 'closed' line in " + lines));
  }

  static SSLContext trusting(Path pem) throws Exception {
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    store.load(null, null);
    try (InputStream in = Files.newInputStream(pem)) {
      Certificate c = CertificateFactory.getInstance("X.509").generateCertificate(in);
      store.setCertificateEntry("gateway", c);
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(store);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, tmf.getTrustManagers(), null);
    return context;
  }
}
