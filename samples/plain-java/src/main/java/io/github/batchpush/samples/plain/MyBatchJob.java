package io.github.batchpush.samples.plain;

import io.github.batchpush.BatchPush;
import io.github.batchpush.JobRun;
import java.net.URI;

/**
 * The batch job of the Prometheus documentation's "Pushing metrics" page, with batchpush.
 *
 * <pre>{@code
 * java -cp ... io.github.batchpush.samples.plain.MyBatchJob http://127.0.0.1:9091
 * }</pre>
 *
 * <p>The documentation's version registers a duration gauge, starts a timer, registers a last-success gauge only
 * after the work succeeded (so a failure does not overwrite the previous success) and calls {@code pushAdd} in a
 * {@code finally} block. batchpush does all of that in {@link JobRun#close()}, and also pushes the exit code, the
 * completion time and, when a job declares one, its max age for the freshness alert.
 */
public final class MyBatchJob {
  private MyBatchJob() {}

  public static void main(String[] args) {
    executeBatchJob(URI.create(args.length > 0 ? args[0] : "http://127.0.0.1:9091"), () -> { });
  }

  static void executeBatchJob(URI gateway, Runnable yourCode) {
    BatchPush push = BatchPush.builder().gateway(gateway).build();   // e.g. URI.create("http://127.0.0.1:9091")
    try (JobRun run = push.start("my_batch_job")) {
      yourCode.run();
      run.succeeded();
    }
  }
}
