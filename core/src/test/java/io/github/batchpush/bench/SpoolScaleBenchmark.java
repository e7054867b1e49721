package io.github.batchpush.bench;

import io.github.batchpush.BatchPush;
import io.github.batchpush.SpoolReport;
import io.github.batchpush.testing.Pushgateway;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * What a run through the spool costs as the spool's history grows, for {@code core/bench/spool-scale.sh}, which runs
 * it on this tree and on a baseline commit and prints both side by side. Public API only, so that it runs on either.
 *
 * <pre>
 * java ... SpoolScaleBenchmark [RUNS]      # prints key=value lines: medians in ms, the drain in s
 * </pre>
 *
 * <p>One real Pushgateway on loopback. Measured, each in a spool of its own:
 * <ul>
 *   <li>{@code fresh}: {@code start()} + {@code close()} through a new spool;
 *   <li>{@code history}: the same through a spool that has served 10,000 groups over 50 gateway URLs;
 *   <li>{@code waiting}: the same through a spool where 10,000 runs wait for another (down) gateway; runs of these
 *   three interleaved, so that all see the same machine;
 *   <li>{@code ahead}: one run through a spool holding a backlog of 10,000 runs for its gateway (100 jobs, 100 runs
 *   each): how long its {@code close()} took (its own push, then a slice of the backlog), whether its run was
 *   delivered, and how many spooled runs its delivery left;
 *   <li>{@code drain}: {@code flush()} of the same backlog in a spool of its own.
 * </ul>
 *
 * <p>The history and the backlogs are written as the first version of the spool wrote them (a journal of 10,000
 * delivered groups in {@code .lock}, run files of format 1 at the top of the spool), which both versions read; a
 * first, untimed delivery or flush lets this version take them over into its own layout, as after an upgrade.
 */
public final class SpoolScaleBenchmark {
  private static final int GROUPS = 10_000;
  private static final int URLS = 50;
  private static final int BACKLOG_JOBS = 100;
  private static final int BACKLOG_RUNS_PER_JOB = 100;

  private SpoolScaleBenchmark() {}

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    Path work = Files.createTempDirectory("spool-scale");
    try (Pushgateway gateway = Pushgateway.start()) {
      BatchPush fresh = through(gateway, work.resolve("fresh"));
      BatchPush history = through(gateway, historySpool(work.resolve("history")));
      BatchPush waiting = through(gateway, backlogSpool(work.resolve("waiting"), "http://127.0.0.1:"
          + Pushgateway.freePort()));
      // Untimed: the first runs take the old layout over, tidy the other gateway's queue, and warm the JIT up.
      interleaved(List.of(fresh, history, waiting), 30);
      double[][] millis = interleaved(List.of(fresh, history, waiting), runs);
      print("fresh_median_ms", median(millis[0]));
      print("history_median_ms", median(millis[1]));
      print("history_ratio", median(millis[1]) / median(millis[0]));
      print("waiting_median_ms", median(millis[2]));
      print("waiting_ratio", median(millis[2]) / median(millis[0]));

      Path aheadSpool = backlogSpool(work.resolve("ahead"), gateway.uri().toString());
      BatchPush ahead = throughTakenOver(gateway, aheadSpool);
      long t0 = System.nanoTime();
      ahead.start("bench_ahead").succeeded().close();
      print("ahead_ms", (System.nanoTime() - t0) / 1e6);
      print("ahead_delivered", gateway.value("bench_ahead", java.util.Map.of(), "batch_job_exit_code") != null ? 1 : 0);
      // Counted by a flush for another gateway, which sends none of them.
      print("ahead_left", BatchPush.builder().gateway(URI.create("http://127.0.0.1:" + Pushgateway.freePort()))
          .spoolDirectory(aheadSpool).build().flush().otherGateways().getOrDefault(gateway.uri(), 0));

      BatchPush drain = throughTakenOver(gateway, backlogSpool(work.resolve("drain"), gateway.uri().toString()));
      t0 = System.nanoTime();
      SpoolReport report = drain.newBuilder().deadline(Duration.ofMinutes(5)).build().flush();
      print("drain_s", (System.nanoTime() - t0) / 1e9);
      System.out.println("drain_report=" + report);
    }
  }

  private static BatchPush through(Pushgateway gateway, Path spool) {
    return BatchPush.builder().gateway(gateway.uri()).spoolDirectory(spool).build();
  }

  /** As {@link #through}, after an untimed flush for another gateway, in which this version takes over the spool. */
  private static BatchPush throughTakenOver(Pushgateway gateway, Path spool) {
    BatchPush.builder().gateway(URI.create("http://127.0.0.1:" + Pushgateway.freePort())).spoolDirectory(spool)
        .build().flush();
    return through(gateway, spool);
  }

  /** Runs through each spool in turn, {@code runs} times; the per-run milliseconds of each. */
  private static double[][] interleaved(List<BatchPush> spools, int runs) {
    double[][] millis = new double[spools.size()][runs];
    for (int i = 0; i < runs; i++) {
      for (int s = 0; s < spools.size(); s++) {
        millis[s][i] = once(spools.get(s), "bench_" + s);
      }
    }
    return millis;
  }

  private static double once(BatchPush push, String job) {
    long t0 = System.nanoTime();
    push.start(job).succeeded().close();
    return (System.nanoTime() - t0) / 1e6;
  }

  /** A spool whose journal knows 10,000 groups delivered over 50 gateway URLs in the last day. */
  private static Path historySpool(Path spool) throws IOException {
    Files.createDirectories(spool);
    Properties journal = new Properties();
    long now = Instant.now().toEpochMilli();
    for (int i = 0; i < GROUPS; i++) {
      long finished = now - 86_400_000L + i;
      journal.setProperty("delivered.http://127.0.0.1:" + (20_000 + i % URLS) + " job/history_" + i,
          finished + "," + finished);
    }
    Files.writeString(spool.resolve(".lock"), stored(journal), StandardCharsets.UTF_8);
    return spool;
  }

  /** A spool holding 10,000 runs for {@code gateway}: 100 jobs, 100 runs each, a minute apart, ending now. */
  private static Path backlogSpool(Path spool, String gateway) throws IOException {
    Files.createDirectories(spool);
    Instant first = Instant.now().minus(Duration.ofMinutes(BACKLOG_RUNS_PER_JOB + 1));
    for (int r = 0; r < BACKLOG_RUNS_PER_JOB; r++) {
      for (int j = 0; j < BACKLOG_JOBS; j++) {
        Instant finished = first.plus(Duration.ofMinutes(r)).plusMillis(j);
        Properties run = new Properties();
        run.setProperty("version", "1");
        run.setProperty("metricPrefix", "batch_job");
        run.setProperty("gateway", gateway);
        run.setProperty("job", "backlog_" + j);
        run.setProperty("finishedAt", finished.toString());
        sample(run, 0, "batch_job_exit_code", r % 5 == 4 ? 1 : 0);
        sample(run, 1, "batch_job_last_completion_timestamp_seconds", finished.getEpochSecond());
        sample(run, 2, "batch_job_sequence", r);
        if (r % 5 != 4) {
          sample(run, 3, "batch_job_last_success_timestamp_seconds", finished.getEpochSecond());
        }
        Files.writeString(spool.resolve(String.format(Locale.ROOT, "%012d%09d-bench-%d-%d.run",
            finished.getEpochSecond(), finished.getNano(), r, j)), stored(run), StandardCharsets.UTF_8);
      }
    }
    return spool;
  }

  private static void sample(Properties run, int i, String name, double value) {
    run.setProperty("sample." + i + ".name", name);
    run.setProperty("sample." + i + ".help", name);
    run.setProperty("sample." + i + ".value", Double.toString(value));
  }

  private static String stored(Properties p) {
    try {
      StringWriter out = new StringWriter();
      p.store(out, null);
      return out.toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  private static void print(String key, double value) {
    System.out.println(String.format(Locale.ROOT, "%s=%.3f", key, value));
  }
}
