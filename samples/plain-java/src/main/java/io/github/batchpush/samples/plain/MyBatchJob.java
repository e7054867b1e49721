package io.github.batchpush.samples.plain;

import io.github.batchpush.BatchPush;
import io.github.batchpush.JobRun;
import java.net.URI;

/**
 * The batch job of the Prometheus documentation's "Pushing metrics" page, with batchpush: the documentation's version
 * registers a duration gauge, starts a timer, registers a last-success gauge only after the work succeeded (so a
 * failure does not overwrite the previous success) and calls pushAdd in a finally block. JobRun.close() does all
 * of that, and also pushes the exit code and the completion time.
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
