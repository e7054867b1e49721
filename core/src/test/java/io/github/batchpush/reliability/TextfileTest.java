package io.github.batchpush.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.github.batchpush.BatchPush;
import io.github.batchpush.JobRun;
import io.github.batchpush.testing.Pushgateway;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs written for node_exporter's textfile collector, with or without a gateway. */
class TextfileTest {
  @TempDir
  Path dir;

  @TempDir
  Path work;

  final TestClock clock = new TestClock("2026-11-25T13:00:00Z");

  private BatchPush textfileOnly() {
    return BatchPush.builder().textfileDirectory(dir).clock(clock).build();
  }

  private void run(BatchPush push, String job, int exitCode) {
    JobRun run = push.start(job);
    clock.advance(Duration.ofSeconds(5));
    run.gauge("records_processed", 100 + exitCode);
    if (exitCode == 0) {
      run.succeeded();
    } else {
      run.failed(exitCode);
    }
    run.close();
  }

  private List<String> files() throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
    }
  }

  @Test
  void aFifoWhereTheJobsFileGoesNeitherHangsTheRunNorStopsItsFile() throws Exception {
    Path fifo = dir.resolve("fifo_job.prom");
    Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
    assertThat(mkfifo.waitFor()).isZero();

    // A failed run reads the previous file for its last success.
    assertTimeoutPreemptively(Duration.ofSeconds(20), () -> run(textfileOnly(), "fifo_job", 3));

    assertThat(Files.isRegularFile(fifo, java.nio.file.LinkOption.NOFOLLOW_LINKS)).isTrue();
    assertThat(Files.readString(fifo)).contains("batch_job_exit_code{job=\"fifo_job\"} 3");
  }

  @Test
  void withoutAGatewayTheRunIsWrittenToTheTextfileDirectoryWithoutTimestamps() throws Exception {
    BatchPush push = textfileOnly();
    assertThat(push.gateway()).isNull();
    assertThat(push.spoolDirectory()).isNull();

    run(push, "tf_job", 0);

    assertThat(Files.readString(dir.resolve("tf_job.prom"))).isEqualTo(String.join("\n",
        "# HELP batch_job_duration_seconds How long the last run of the job took, in seconds.",
        "# TYPE batch_job_duration_seconds gauge",
        "batch_job_duration_seconds{job=\"tf_job\"} 5.0",
        "# HELP batch_job_last_start_timestamp_seconds When the last run of the job started, in seconds since the "
            + "epoch.",
        "# TYPE batch_job_last_start_timestamp_seconds gauge",
        "batch_job_last_start_timestamp_seconds{job=\"tf_job\"} 1.7956116E9",
        "# HELP batch_job_last_completion_timestamp_seconds When the job last finished, successfully or not, in "
            + "seconds since the epoch.",
        "# TYPE batch_job_last_completion_timestamp_seconds gauge",
        "batch_job_last_completion_timestamp_seconds{job=\"tf_job\"} 1.795611605E9",
        "# HELP batch_job_exit_code Exit code of the last run of the job; 0 for success.",
        "# TYPE batch_job_exit_code gauge",
        "batch_job_exit_code{job=\"tf_job\"} 0.0",
        "# HELP batch_job_last_success_timestamp_seconds When the job last succeeded, in seconds since the epoch.",
        "# TYPE batch_job_last_success_timestamp_seconds gauge",
        "batch_job_last_success_timestamp_seconds{job=\"tf_job\"} 1.795611605E9",
        "# HELP batch_job_records_processed Value of records_processed recorded by the last run of the job.",
        "# TYPE batch_job_records_processed gauge",
        "batch_job_records_processed{job=\"tf_job\"} 100.0",
        ""));
    // Only the file and its lock: the temporary file was renamed into place.
    assertThat(files()).containsExactly(".tf_job.prom.lock", "tf_job.prom");
  }

  @Test
  void aFailedRunCarriesThePreviousLastSuccessForward() throws Exception {
    BatchPush push = textfileOnly();
    run(push, "carry_job", 0);
    clock.advance(Duration.ofHours(1));
    run(push, "carry_job", 3);

    String text = Files.readString(dir.resolve("carry_job.prom"));
    assertThat(text).contains("batch_job_exit_code{job=\"carry_job\"} 3.0\n",
        "batch_job_last_completion_timestamp_seconds{job=\"carry_job\"} 1.79561521E9\n",
        "batch_job_last_success_timestamp_seconds{job=\"carry_job\"} 1.795611605E9\n");
  }

  @Test
  void whatAWriterKilledMidWriteLeftBehindIsRemovedByTheNextWrite() throws Exception {
    Path leftover = Files.writeString(dir.resolve(".left_job.prom.0b1f-dead.tmp"), "# HELP half");

    run(textfileOnly(), "left_job", 0);

    assertThat(leftover).doesNotExist();
    assertThat(files()).containsExactly(".left_job.prom.lock", "left_job.prom");
  }

  @Test
  void aReaderNeverSeesAHalfWrittenFile() throws Exception {
    BatchPush push = textfileOnly();
    Path file = dir.resolve("atomic_job.prom");
    AtomicBoolean writing = new AtomicBoolean(true);
    CompletableFuture<List<String>> reads = CompletableFuture.supplyAsync(() -> {
      List<String> seen = new ArrayList<>();
      while (writing.get() && seen.size() < 100_000) {
        try {
          seen.add(Files.readString(file));
        } catch (NoSuchFileException notYet) {
          // before the first run
        } catch (java.io.IOException e) {
          throw new IllegalStateException(e);
        }
      }
      return seen;
    });
    try {
      for (int i = 0; i < 300; i++) {
        run(push, "atomic_job", i % 3 == 0 ? 0 : 1);
      }
    } finally {
      writing.set(false);
    }

    List<String> seen = reads.get(30, TimeUnit.SECONDS);
    assertThat(seen).isNotEmpty();
    assertThat(seen).allSatisfy(text -> {
      assertThat(text).endsWith("\n");
      assertThat(text.split("# TYPE ", -1)).hasSize(7);
    });
    assertThat(files()).containsExactly(".atomic_job.prom.lock", "atomic_job.prom");
  }

  @Test
  void writersInSeveralThreadsAndProcessesNeverLoseTheLastSuccess() throws Exception {
    List<Process> children = new ArrayList<>();
    try {
      for (int c = 0; c < 2; c++) {
        children.add(Children.start(work.resolve("child-" + c + ".log"), "textfile", dir.toString(),
            "shared_job", "40"));
      }
      List<CompletableFuture<Void>> threads = new ArrayList<>();
      for (int t = 0; t < 2; t++) {
        threads.add(CompletableFuture.runAsync(() -> {
          BatchPush own = BatchPush.builder().textfileDirectory(dir).build();
          for (int i = 0; i < 40; i++) {
            try (JobRun run = own.start("shared_job")) {
              run.gauge("sequence", i);
              if (i == 0) {
                run.succeeded();
              }
            }
          }
        }));
      }
      CompletableFuture.allOf(threads.toArray(new CompletableFuture<?>[0])).get(60, TimeUnit.SECONDS);
      for (int c = 0; c < 2; c++) {
        assertThat(children.get(c).waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(children.get(c).exitValue()).as(Files.readString(work.resolve("child-" + c + ".log"))).isZero();
      }
    } finally {
      children.forEach(Process::destroyForcibly);
    }

    String text = Files.readString(dir.resolve("shared_job.prom"));
    assertThat(text).contains("batch_job_exit_code{job=\"shared_job\"} 1.0\n",
        "batch_job_sequence{job=\"shared_job\"} 39.0\n", "batch_job_last_success_timestamp_seconds{");
    assertThat(files()).containsExactly(".shared_job.prom.lock", "shared_job.prom");
  }

  // Review 2, finding 2: one group, two files (node_exporter would then expose its series twice, old and new).
  @Test
  void aGroupKeepsOneFileWhateverOrderItsLabelsCameIn() throws Exception {
    run(textfileOnly().newBuilder().label("team", "x").label("env", "p").build(), "ordered", 0);
    run(textfileOnly().newBuilder().label("env", "p").label("team", "x").build(), "ordered", 3);

    List<String> proms = files().stream().filter(f -> f.endsWith(".prom")).collect(Collectors.toList());
    assertThat(proms).hasSize(1);
    assertThat(read(dir.resolve(proms.get(0)))).containsPattern("(?m)^batch_job_exit_code\\{[^}]*\\} 3\\.0$");
  }

  // Review 3, finding 1: the file a version before the sorted name wrote stayed beside the new one, and node_exporter
  // kept exposing its success instead of the new failure.
  @Test
  void aGroupsFileFromBeforeItsNameSortedTheLabelsIsTakenOverAndRemoved() throws Exception {
    String given = "nightly-a-prod-74188a7b.prom"; // what 169c251 wrote for --label team=a --label env=prod
    Files.writeString(dir.resolve(given), "# TYPE batch_job_last_success_timestamp_seconds gauge\n"
        + "batch_job_last_success_timestamp_seconds{job=\"nightly\",team=\"a\",env=\"prod\"} 1.7956761223565793E9\n"
        + "# TYPE batch_job_exit_code gauge\nbatch_job_exit_code{job=\"nightly\",team=\"a\",env=\"prod\"} 0.0\n");

    run(textfileOnly().newBuilder().label("team", "a").label("env", "prod").build(), "nightly", 1);

    List<String> proms = files().stream().filter(f -> f.endsWith(".prom")).collect(Collectors.toList());
    assertThat(proms).singleElement().isNotEqualTo(given);
    assertThat(read(dir.resolve(proms.get(0)))).containsPattern("(?m)^batch_job_exit_code\\{[^}]*\\} 1\\.0$")
        .contains("} 1.7956761223565793E9\n");
  }

  // Review 3, finding 6: in a textfile directory that users share, the first writer's lock file was owner-only.
  @Test
  void aLockFileInASharedDirectoryIsAsWritableAsTheDirectory() throws Exception {
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));

    run(textfileOnly(), "shared", 0);

    assertThat(Files.getPosixFilePermissions(dir.resolve(".shared.prom.lock")))
        .isEqualTo(PosixFilePermissions.fromString("rw-rw-rw-"));
  }

  @Test
  void groupsWhoseNamesLookAlikeAfterSanitizingGetFilesOfTheirOwn() throws Exception {
    run(textfileOnly(), "a/b", 0);
    run(textfileOnly(), "a_b", 1);
    run(textfileOnly(), "x-y", 2);
    run(textfileOnly().newBuilder().label("team", "y").build(), "x", 3);
    run(textfileOnly().newBuilder().label("owner", "y").build(), "x", 4);

    List<String> proms = files().stream().filter(f -> f.endsWith(".prom")).collect(Collectors.toList());
    assertThat(proms).hasSize(5).contains("a_b.prom").anyMatch(f -> f.matches("x-y-[0-9a-f]{8}\\.prom"));
    assertThat(proms.stream().map(f -> read(dir.resolve(f))).collect(Collectors.toList()))
        .anySatisfy(t -> assertThat(t).contains("batch_job_exit_code{job=\"a/b\"} 0.0\n"))
        .anySatisfy(t -> assertThat(t).contains("batch_job_exit_code{job=\"a_b\"} 1.0\n"))
        .anySatisfy(t -> assertThat(t).contains("batch_job_exit_code{job=\"x-y\"} 2.0\n"))
        .anySatisfy(t -> assertThat(t).contains("batch_job_exit_code{job=\"x\",team=\"y\"} 3.0\n"))
        .anySatisfy(t -> assertThat(t).contains("batch_job_exit_code{job=\"x\",owner=\"y\"} 4.0\n"));
  }

  @Test
  void twoInstancesWritingThroughASymlinkTakeTurnsInsteadOfFailing() throws Exception {
    Path link = Files.createSymbolicLink(work.resolve("link"), dir);
    List<CompletableFuture<Void>> writers = new ArrayList<>();
    for (Path target : List.of(dir, link)) {
      BatchPush strict = BatchPush.builder().textfileDirectory(target).strict(true).build();
      writers.add(CompletableFuture.runAsync(() -> {
        for (int i = 0; i < 100; i++) {
          strict.start("linked_job").succeeded().close();
        }
      }));
    }

    for (CompletableFuture<Void> w : writers) {
      assertThatCode(() -> w.get(60, TimeUnit.SECONDS)).doesNotThrowAnyException();
    }
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void nodeExportersTextfileCollectorReadsTheFile() throws Exception {
    Path binary = Path.of("/usr/bin/prometheus-node-exporter");
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(binary)
        || "true".equals(System.getenv("CI")), "apt-get install -y prometheus-node-exporter");
    run(textfileOnly(), "collected_job", 0);
    int port = Pushgateway.freePort();
    Process exporter = new ProcessBuilder(binary.toString(), "--collector.disable-defaults",
        "--collector.textfile", "--collector.textfile.directory=" + dir, "--web.listen-address=127.0.0.1:" + port)
        .redirectErrorStream(true).redirectOutput(work.resolve("node-exporter.log").toFile()).start();
    try {
      String metrics = scrapeWithin(port, 20_000);
      assertThat(metrics).as(Files.readString(work.resolve("node-exporter.log")))
          .contains("batch_job_exit_code{job=\"collected_job\"} 0\n", "node_textfile_scrape_error 0\n");
    } finally {
      exporter.destroy();
      exporter.waitFor(10, TimeUnit.SECONDS);
      exporter.destroyForcibly();
    }
  }

  private static String scrapeWithin(int port, long millis) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    while (true) {
      try {
        HttpURLConnection c = (HttpURLConnection) new URL("http://127.0.0.1:" + port + "/metrics").openConnection();
        c.setConnectTimeout(1000);
        c.setReadTimeout(5000);
        try (InputStream in = c.getInputStream()) {
          return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
      } catch (java.io.IOException notYet) {
        if (System.nanoTime() > deadline) {
          throw notYet;
        }
        Thread.sleep(50);
      }
    }
  }
}
