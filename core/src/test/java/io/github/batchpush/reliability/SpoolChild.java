package io.github.batchpush.reliability;

import io.github.batchpush.BatchPush;
import io.github.batchpush.JobRun;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A batch job in its own JVM, for the tests that need separate processes sharing one spool.
 *
 * <pre>
 * SpoolChild runs GATEWAY SPOOL JOB COUNT DEADLINE_MS   # COUNT successful runs, gauge sequence = 0..COUNT-1
 * SpoolChild job  GATEWAY SPOOL JOB EXIT DEADLINE_MS    # one run ending with EXIT, then System.exit(EXIT)
 * SpoolChild textfile DIR JOB COUNT                      # COUNT runs to DIR only: a success, then failures
 * </pre>
 *
 * <p>Prints {@code closing} before the last close and {@code closed <millis>} after it, for the parent to follow.
 */
public final class SpoolChild {
  private SpoolChild() {}

  public static void main(String[] args) {
    if (args[0].equals("textfile")) {
      BatchPush textfileOnly = BatchPush.builder().textfileDirectory(Path.of(args[1])).build();
      for (int i = 0; i < Integer.parseInt(args[3]); i++) {
        try (JobRun run = textfileOnly.start(args[2])) {
          run.gauge("sequence", i);
          if (i == 0) {
            run.succeeded();
          }
        }
      }
      System.out.println("done");
      return;
    }
    BatchPush push = BatchPush.builder()
        .gateway(URI.create(args[1]))
        .spoolDirectory(Path.of(args[2]))
        .deadline(Duration.ofMillis(Long.parseLong(args[5])))
        // No retries within one delivery: the next delivery replays the spool anyway.
        .retryBackoff(Duration.ofSeconds(30))
        .build();
    String job = args[3];
    int n = Integer.parseInt(args[4]);
    if (args[0].equals("runs")) {
      for (int i = 0; i < n; i++) {
        try (JobRun run = push.start(job)) {
          run.gauge("sequence", i);
          run.succeeded();
        }
      }
      System.out.println("done");
      return;
    }
    JobRun run = push.start(job);
    if (n == 0) {
      run.succeeded();
    } else {
      run.failed(n);
    }
    System.out.println("closing");
    System.out.flush();
    long start = System.nanoTime();
    run.close();
    System.out.println("closed " + (System.nanoTime() - start) / 1_000_000);
    System.exit(n);
  }
}
