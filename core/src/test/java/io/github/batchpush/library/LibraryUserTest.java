package io.github.batchpush.library;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.batchpush.testing.ChildJvm;
import io.github.batchpush.testing.Pushgateway;
import io.github.batchpush.testing.RealPushgateway;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a library user hears about delivery problems, in a JVM of its own ({@link LibraryUserChild}): through SLF4J
 * when it has a provider, and on stderr, once, when it has none (slf4j-api 2 then drops every message).
 */
class LibraryUserTest {
  @RealPushgateway
  static Pushgateway gateway;

  @TempDir
  Path spool;

  private final String nowhere = "http://127.0.0.1:" + Pushgateway.freePort();

  @Test
  void withoutAnSlf4jProviderTheFirstFailedDeliveryIsOneLineOnStderr() throws Exception {
    List<String> lines = batchpushLines(run(false, nowhere, nowhere));

    assertThat(lines).hasSize(1);
    assertThat(lines.get(0)).startsWith("batchpush: push of {job=\"child_job\"} to " + nowhere + " failed: ")
        .contains("run spooled to " + spool)
        .endsWith("(SLF4J has no provider, so batchpush reports no further problems: add one, "
            + "e.g. org.slf4j:slf4j-simple at runtime scope)");
  }

  @Test
  void withAnSlf4jProviderProblemsGoOnlyToTheLog() throws Exception {
    String stderr = run(true, nowhere);

    assertThat(batchpushLines(stderr)).isEmpty();
    assertThat(stderr).contains("WARN io.github.batchpush.BatchPush - batchpush: push of {job=\"child_job\"} to "
        + nowhere + " failed");
  }

  @Test
  void runsSpooledForAnotherGatewayAreLoggedOnceByTheFirstDeliveryToThisOne() throws Exception {
    String current = gateway.uri().toString();

    String stderr = run(true, nowhere, current, current);

    List<String> warnings = stderr.lines().filter(l -> l.contains("wait for other gateways")).toList();
    assertThat(warnings).hasSize(1);
    assertThat(warnings.get(0)).endsWith("batchpush: 1 spooled run(s) in " + spool + " wait for other gateways {"
        + nowhere + "=1}, not for " + current + "; if that is the new URL of one of them, deliver them here with "
        + "flushFrom(URI.create(\"" + nowhere + "\")) or batchpush flush --from-gateway " + nowhere
        + ", else they are dropped once older than the spool's age limit");
  }

  @Test
  void anInstanceBuiltByAFaceLeavesRunsForAnotherGatewayToTheFace() throws Exception {
    String current = gateway.uri().toString();

    ChildJvm.Result r = ChildJvm.of(LibraryUserChild.class).systemProperty("face", "true")
        .run(spool.toString(), nowhere, current);

    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(r.stderr()).contains("push of {job=\"child_job\"} to " + nowhere).doesNotContain("other gateways");
  }

  @Test
  void withoutAnSlf4jProviderRunsForAnotherGatewayAreOneMoreLineOnStderr() throws Exception {
    String current = gateway.uri().toString();

    List<String> lines = batchpushLines(run(false, nowhere, nowhere, current, current));

    assertThat(lines).hasSize(2);
    assertThat(lines.get(0)).startsWith("batchpush: push of {job=\"child_job\"} to " + nowhere + " failed: ");
    assertThat(lines.get(1)).startsWith("batchpush: 2 spooled run(s) in " + spool + " wait for other gateways");
  }

  private static List<String> batchpushLines(String stderr) {
    return stderr.lines().filter(l -> l.startsWith("batchpush:")).toList();
  }

  /** Runs the child with the test class path, without its SLF4J providers unless {@code withProvider}. */
  private String run(boolean withProvider, String... gateways) throws IOException, InterruptedException {
    List<String> args = new ArrayList<>(List.of(spool.toString()));
    args.addAll(List.of(gateways));
    ChildJvm child = ChildJvm.of(LibraryUserChild.class);
    ChildJvm.Result r = (withProvider ? child : child.withoutSlf4jProvider()).run(args.toArray(String[]::new));
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    return r.stderr();
  }
}
