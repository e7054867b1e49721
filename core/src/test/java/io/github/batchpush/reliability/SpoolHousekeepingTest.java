package io.github.batchpush.reliability;

import io.github.batchpush.testing.FaultServer;
import io.github.batchpush.testing.FaultServer.Fault;

import static io.github.batchpush.reliability.Runs.held;
import static io.github.batchpush.reliability.Runs.merged;
import static io.github.batchpush.reliability.Runs.run;
import static io.github.batchpush.reliability.Runs.spooled;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.batchpush.BatchPush;
import io.github.batchpush.SpoolReport;
import io.github.batchpush.reliability.Runs.Outcome;
import io.github.batchpush.testing.Pushgateway;
import io.github.batchpush.testing.RealPushgateway;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The spool keeps itself healthy: corrupt files go aside, bounds drop loudly, files stay private. */
class SpoolHousekeepingTest {
  @RealPushgateway
  static Pushgateway gateway;

  @TempDir
  Path work;

  Path spool;

  /** The gateway as this test's runs see it: down (every connection dropped) until {@code recover()}. */
  FaultServer front;

  final TestClock clock = new TestClock("2026-11-25T12:00:00Z");
  final ByteArrayOutputStream log = new ByteArrayOutputStream();
  PrintStream originalErr;

  @BeforeEach
  void captureLog() {
    // A directory the spool creates itself, so its permissions are the spool's doing, not @TempDir's.
    spool = work.resolve("state").resolve("spool");
    front = FaultServer.start(gateway.uri(), FaultServer.Fault.drop());
    originalErr = System.err;
    // slf4j-simple looks System.err up on every line, so the log lands here too.
    System.setErr(new PrintStream(new TeeStream(log, originalErr), true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restoreLog() {
    System.setErr(originalErr);
    front.close();
  }

  private String logText() {
    return log.toString(StandardCharsets.UTF_8);
  }

  private BatchPush.Builder to(URI uri) {
    return BatchPush.builder().gateway(uri).spoolDirectory(spool).clock(clock).deadline(Duration.ofMillis(300));
  }

  private BatchPush down() {
    return to(front.uri()).build();
  }

  private BatchPush recovered() {
    front.recover();
    return to(front.uri()).build();
  }

  @Test
  void aCorruptSpoolFileIsMovedAsideWithAnErrorAndDeliveryContinues() throws Exception {
    Outcome spooledRun = run(down(), clock, "corrupt_job", 0);
    Path corrupt = spool.resolve("000000000001000000000-corrupt.run");
    Files.writeString(corrupt, "this is not a spooled run\n\u0000\u0001");
    clock.advance(Duration.ofMinutes(1));

    Outcome next = run(recovered(), clock, "corrupt_job", 1);

    assertThat(held(gateway, "corrupt_job")).isEqualTo(merged(spooledRun.values(), next.values()));
    assertThat(spooled(spool)).isEmpty();
    assertThat(spool.resolve("corrupt").resolve(corrupt.getFileName())).exists();
    assertThat(logText()).contains("ERROR io.github.batchpush.Spool - batchpush: spooled run "
        + "000000000001000000000-corrupt.run moved to " + spool.resolve("corrupt")
        + "/: unreadable (unknown spool format version null)");
  }

  @Test
  void flushCountsTheCorruptFilesItSetAside() throws Exception {
    Files.createDirectories(spool);
    Files.writeString(spool.resolve("000000000001000000000-a.run"), "version=1\njob=x\n");
    Files.writeString(spool.resolve("000000000002000000000-b.run"), "version=2\n");

    SpoolReport report = to(gateway.uri()).build().flush();

    assertThat(report.toString()).isEqualTo("delivered 0, remaining 0, dropped 0, set aside 2");
    assertThat(Files.list(spool.resolve("corrupt")).count()).isEqualTo(2);
  }

  @Test
  void theCountBoundDropsTheOldestRunsLoudlyAndFlushCountsThem() throws Exception {
    BatchPush roomy = to(front.uri()).spoolLimits(10,
        Duration.ofDays(7)).build();
    for (int i = 0; i < 5; i++) {
      run(roomy, clock, "bounded_job", i);
      clock.advance(Duration.ofMinutes(1));
    }
    assertThat(spooled(spool)).hasSize(5);

    front.recover();
    SpoolReport report = to(front.uri()).spoolLimits(3, Duration.ofDays(7)).build().flush();

    assertThat(report.toString()).isEqualTo("delivered 3, remaining 0, dropped 2, set aside 0");
    assertThat(logText()).contains("ERROR io.github.batchpush.Spool - batchpush: spool " + spool
        + " is full (limit 3 runs): DROPPED the 2 oldest");
    // Runs 2, 3 and 4 arrived; run 0, the only success, was dropped.
    assertThat(held(gateway, "bounded_job")).containsEntry("batch_job_exit_code", 4.0)
        .doesNotContainKey("batch_job_last_success_timestamp_seconds");
  }

  @Test
  void theCountBoundHoldsWhileTheGatewayStaysDown() {
    BatchPush small = to(front.uri()).spoolLimits(3,
        Duration.ofDays(7)).build();
    for (int i = 0; i < 6; i++) {
      run(small, clock, "small_job", i + 1);
    }

    assertThat(spooled(spool)).hasSize(3);
    assertThat(logText()).contains("is full (limit 3 runs): DROPPED the 1 oldest");
  }

  @Test
  void runsOlderThanTheAgeBoundAreDroppedLoudlyAndCounted() {
    run(down(), clock, "aged_job", 0);
    run(down(), clock, "aged_job", 1);
    clock.advance(Duration.ofDays(8));

    SpoolReport report = recovered().flush();

    assertThat(report.toString()).isEqualTo("delivered 0, remaining 0, dropped 2, set aside 0");
    assertThat(logText()).contains("ERROR io.github.batchpush.Spool - batchpush: DROPPED 2 spooled runs older than "
        + "the spool's limit of PT168H (the oldest, {job=\"aged_job\"} of 2026-11-25T12:00:05Z)\n");
    assertThat(held(gateway, "aged_job")).isEmpty();
  }

  @Test
  void halfWrittenRunsOfKilledProcessesAreRemovedOnceTheyAreOld() throws Exception {
    Files.createDirectories(spool);
    Path abandoned = Files.writeString(spool.resolve(".tmp-abandoned"), "version=1\njob=half");
    Files.setLastModifiedTime(abandoned, FileTime.from(Instant.now().minus(Duration.ofHours(2))));
    Path young = Files.writeString(spool.resolve(".tmp-being-written"), "version=1\njob=half");

    recovered().flush();

    assertThat(abandoned).doesNotExist();
    assertThat(young).exists();
  }

  @Test
  void everySpoolFileIsReadableByItsOwnerOnly() throws Exception {
    run(down(), clock, "private_job", 0);
    Path corrupt = Files.writeString(spool.resolve("000000000001000000000-corrupt.run"), "garbage");
    Files.setPosixFilePermissions(corrupt, PosixFilePermissions.fromString("rw-------"));
    run(recovered(), clock, "private_job", 0);
    run(to(URI.create("http://127.0.0.1:" + Pushgateway.freePort())).build(), clock, "private_job", 0);

    Map<String, String> modes = new TreeMap<>();
    try (Stream<Path> all = Files.walk(spool)) {
      for (Path p : all.collect(Collectors.toList())) {
        String name = spool.relativize(p).toString().replaceAll("[^/]+-[0-9a-f]{16}", "<queue>")
            .replaceAll("\\d{21}-[^/]*\\.run$", "<run>").replaceAll("delivered/<queue>$", "delivered/<entry>")
            .replaceAll("delivered/[0-9a-f]{16}$", "delivered/<entry>");
        // An index entry is a symbolic link, whose own mode Linux ignores; its directory is private.
        modes.put(name, Files.isSymbolicLink(p) ? "link"
            : PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS)));
        // (The runs here are too few for the journal in .lock to have moved to index entries yet.)
      }
    }
    assertThat(modes).isEqualTo(new TreeMap<>(Map.of(
        "", "rwx------",
        ".lock", "rw-------",
        "<queue>", "rwx------",
        "<queue>/gateway", "rw-------",
        "<queue>/.tidied", "rw-------",
        "<queue>/<run>", "rw-------",
        "corrupt", "rwx------",
        "corrupt/<run>", "rw-------")));
  }

  /** Writes to two streams. */
  static final class TeeStream extends java.io.OutputStream {
    private final java.io.OutputStream a;
    private final java.io.OutputStream b;

    TeeStream(java.io.OutputStream a, java.io.OutputStream b) {
      this.a = a;
      this.b = b;
    }

    @Override
    public synchronized void write(int c) throws java.io.IOException {
      a.write(c);
      b.write(c);
    }

    @Override
    public synchronized void write(byte[] buf, int off, int len) throws java.io.IOException {
      a.write(buf, off, len);
      b.write(buf, off, len);
    }
  }
}
