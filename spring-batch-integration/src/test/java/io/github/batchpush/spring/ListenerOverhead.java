package io.github.batchpush.spring;

import io.github.batchpush.BatchPush;
import io.github.batchpush.JobRun;
import io.github.batchpush.testing.Pushgateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Locale;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.configuration.annotation.EnableBatchProcessing;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Configuration;

/**
 * Times a trivial one-step tasklet job launched through the JobOperator, without and with the listener, runs
 * interleaved in one JVM against a real Pushgateway on loopback; and core's own {@code start(job).close()} alone,
 * the baseline the listener's added time is read against. Run by {@code bench/listener-overhead.sh [runs] [maven
 * options]}; a plain harness printing medians and ratios, not a test.
 */
public final class ListenerOverhead {
  private ListenerOverhead() {}

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 300;
    int warmup = Math.max(50, runs / 4);
    Path spool = Files.createTempDirectory("bench-spool");
    try (Pushgateway gateway = Pushgateway.start();
        AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext(Batch.class)) {
      BatchPush push = BatchPush.builder().gateway(gateway.uri()).spoolDirectory(spool).build();
      JobRepository repository = context.getBean(JobRepository.class);
      JobOperator operator = context.getBean(JobOperator.class);
      Job plain = new JobBuilder("bench_plain", repository).start(TestJobs.doneStep("only", repository)).build();
      Job pushed = new JobBuilder("bench_pushed", repository).listener(new BatchPushJobListener(push))
          .start(TestJobs.doneStep("only", repository)).build();

      long[] plainNanos = new long[runs];
      long[] pushedNanos = new long[runs];
      long[] coreNanos = new long[runs];
      for (int i = -warmup; i < runs; i++) {
        long a = time(operator, plain, i);
        long b = time(operator, pushed, i);
        long start = System.nanoTime();
        try (JobRun run = push.start("bench_core_only")) {
          run.succeeded();
        }
        long c = System.nanoTime() - start;
        if (i >= 0) {
          plainNanos[i] = a;
          pushedNanos[i] = b;
          coreNanos[i] = c;
        }
      }
      double plainMedian = median(plainNanos);
      double pushedMedian = median(pushedNanos);
      double coreMedian = median(coreNanos);
      System.out.printf(Locale.ROOT, "runs=%d (after %d warm-up), interleaved, gateway %s%n", runs, warmup,
          gateway.uri());
      System.out.printf(Locale.ROOT, "%-36s %10s %10s%n", "", "median ms", "p90 ms");
      row("job without listener", plainMedian, p90(plainNanos));
      row("job with BatchPushJobListener", pushedMedian, p90(pushedNanos));
      row("core start(job).close() alone", coreMedian, p90(coreNanos));
      double added = pushedMedian - plainMedian;
      System.out.printf(Locale.ROOT,
          "listener adds %.2f ms per job (ratio with/without %.2f); core's own push %.2f ms; added/core %.2f%n",
          added, pushedMedian / plainMedian, coreMedian, added / coreMedian);
    } finally {
      // The spool keeps a directory per gateway: delete the tree, deepest first.
      try (var files = Files.walk(spool)) {
        files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }

  private static long time(JobOperator operator, Job job, int i) throws Exception {
    var parameters = new JobParametersBuilder().addLong("i", (long) i + 1_000_000L).toJobParameters();
    long start = System.nanoTime();
    var execution = operator.start(job, parameters);
    long took = System.nanoTime() - start;
    if (execution.getStatus() != BatchStatus.COMPLETED) {
      throw new IllegalStateException(job.getName() + " ended " + execution.getStatus());
    }
    return took;
  }

  private static void row(String what, double median, double p90) {
    System.out.printf(Locale.ROOT, "%-36s %10.3f %10.3f%n", what, median, p90);
  }

  private static double median(long[] nanos) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return (n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0) / 1e6;
  }

  private static double p90(long[] nanos) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    return sorted[(int) Math.ceil(sorted.length * 0.9) - 1] / 1e6;
  }

  @Configuration(proxyBeanMethods = false)
  @EnableBatchProcessing
  static class Batch {}
}
