package io.github.batchpush.reliability;

import static org.assertj.core.api.Assertions.assertThatCode;

import io.github.batchpush.BatchPush;
import io.github.batchpush.JobRun;
import io.github.batchpush.testing.Pushgateway;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Runs a job of five (test-clock) seconds and tells what the gateway should then hold for it, so a test can compare
 * the gateway's group with exactly the values expected.
 */
final class Runs {
  private Runs() {}

  /** What one run pushed, and how long its {@code close()} took: the delay monitoring added to the job. */
  record Outcome(Map<String, Double> values, Duration delay) {}

  /** Runs {@code job} ending with {@code exitCode}, asserting that {@code close()} does not throw. */
  static Outcome run(BatchPush push, TestClock clock, String job, int exitCode) {
    return run(push, clock, job, exitCode, Duration.ZERO);
  }

  /**
   * As {@link #run(BatchPush, TestClock, String, int)}, delivered {@code later} than it finished: it waited behind
   * another delivery, as an older run that arrives after a newer one does.
   */
  static Outcome deliveredLater(BatchPush push, TestClock clock, String job, int exitCode, Duration later) {
    return run(push, clock, job, exitCode, later);
  }

  private static Outcome run(BatchPush push, TestClock clock, String job, int exitCode, Duration later) {
    double start = clock.seconds();
    JobRun run = push.start(job);
    clock.advance(Duration.ofSeconds(5));
    run.gauge("records_processed", 100 + exitCode);
    if (exitCode == 0) {
      run.succeeded();
    } else {
      run.failed(exitCode);
    }
    long t0 = System.nanoTime();
    if (!later.isZero()) {
      clock.deliverLater(later);
    }
    assertThatCode(run::close).doesNotThrowAnyException();
    Duration delay = Duration.ofNanos(System.nanoTime() - t0);
    Map<String, Double> values = new TreeMap<>();
    values.put("batch_job_duration_seconds", 5.0);
    values.put("batch_job_last_start_timestamp_seconds", start);
    values.put("batch_job_last_completion_timestamp_seconds", start + 5);
    values.put("batch_job_exit_code", (double) exitCode);
    values.put("batch_job_records_processed", 100.0 + exitCode);
    if (exitCode == 0) {
      values.put("batch_job_last_success_timestamp_seconds", start + 5);
    }
    return new Outcome(values, delay);
  }

  /** What the gateway should hold after these runs were POSTed in this order: later values win, per metric. */
  @SafeVarargs
  static Map<String, Double> merged(Map<String, Double>... inOrder) {
    Map<String, Double> all = new TreeMap<>();
    for (Map<String, Double> m : inOrder) {
      all.putAll(m);
    }
    return all;
  }

  /** The group's metrics without the two the gateway adds itself. */
  static Map<String, Double> held(Pushgateway gateway, String job) {
    Map<String, Double> m = new TreeMap<>(gateway.group(job, Map.of()));
    m.remove("push_time_seconds");
    m.remove("push_failure_time_seconds");
    return m;
  }

  /**
   * The spool's queue directory for {@code gateway}, made by spooling a run of {@code job} for it: with a deadline
   * of 1 ms, the run is spooled rather than sent.
   */
  static Path queueFor(Path spool, java.net.URI gateway, String job) {
    BatchPush.builder().gateway(gateway).spoolDirectory(spool).deadline(Duration.ofMillis(1)).build().start(job)
        .succeeded().close();
    List<Path> runs = spooled(spool);
    if (runs.isEmpty()) {
      throw new AssertionError("no run spooled in " + spool);
    }
    return runs.get(runs.size() - 1).getParent();
  }

  /** The run files waiting in a spool directory, for any gateway, oldest first (not those set aside). */
  static List<Path> spooled(Path spool) {
    if (!Files.isDirectory(spool)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(spool, 2)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".run"))
          .filter(p -> !spool.relativize(p).startsWith("corrupt"))
          .sorted(java.util.Comparator.comparing(p -> p.getFileName().toString())).collect(Collectors.toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
