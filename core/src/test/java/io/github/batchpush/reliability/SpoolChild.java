package io.github.batchpush.reliability;

import io.github.batchpush.BatchPush;
import io.github.batchpush.JobRun;
import io.github.batchpush.PushException;
import io.github.batchpush.SpoolReport;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;

/**
 * A batch job in its own JVM, for the tests that need separate processes sharing one spool.
 *
 * <pre>
 * SpoolChild runs GATEWAY SPOOL JOB COUNT DEADLINE_MS   # COUNT successful runs, gauge sequence = 0..COUNT-1
 * SpoolChild job  GATEWAY SPOOL JOB EXIT DEADLINE_MS    # one run ending with EXIT, then System.exit(EXIT)
 * SpoolChild flush GATEWAY SPOOL DEADLINE_MS            # prints the flush's report
 * SpoolChild chaos GATEWAY SPOOL DEADLINE_MS CHILD SEED RUNS   # RUNS random runs, each told on stdout
 * SpoolChild textfile DIR JOB COUNT                      # COUNT runs to DIR only: a success, then failures
 * </pre>
 *
 * <p>Prints {@code closing} before the last close and {@code closed <millis>} after it, for the parent to follow.
 */
public final class SpoolChild {
  /** The groups the chaos runs go to: few, so that runs of one group from several processes interleave. */
  static final String[] CHAOS_JOBS = {"chaos_a", "chaos_b", "chaos_c"};

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
    if (args[0].equals("flush")) {
      SpoolReport report = builder(args[1], args[2], args[3]).build().flush();
      System.out.println("flushed: " + report);
      return;
    }
    if (args[0].equals("chaos")) {
      chaos(args);
      return;
    }
    String job = args[3];
    int n = Integer.parseInt(args[4]);
    if (args[0].equals("runs")) {
      BatchPush push = builder(args[1], args[2], args[5]).build();
      for (int i = 0; i < n; i++) {
        try (JobRun run = push.start(job)) {
          run.gauge("sequence", i);
          run.succeeded();
        }
      }
      System.out.println("done");
      return;
    }
    // An optional seventh argument backdates the run by that many milliseconds: it finished that long ago and is
    // only delivered now, as a run that waited behind newer ones is.
    TestClock clock = args.length > 6 ? new TestClock(Instant.now().minusMillis(Long.parseLong(args[6])).toString())
        : null;
    BatchPush.Builder builder = builder(args[1], args[2], args[5]);
    JobRun run = (clock == null ? builder : builder.clock(clock)).build().start(job);
    if (n == 0) {
      run.succeeded();
    } else {
      run.failed(n);
    }
    System.out.println("closing");
    System.out.flush();
    long start = System.nanoTime();
    if (clock != null) {
      clock.deliverInRealTime();
    }
    run.close();
    System.out.println("closed " + (System.nanoTime() - start) / 1_000_000);
    System.exit(n);
  }

  private static BatchPush.Builder builder(String gateway, String spool, String deadlineMillis) {
    return BatchPush.builder()
        .gateway(URI.create(gateway))
        .spoolDirectory(Path.of(spool))
        .deadline(Duration.ofMillis(Long.parseLong(deadlineMillis)))
        // No retries within one delivery: the next delivery replays the spool anyway.
        .retryBackoff(Duration.ofSeconds(30));
  }

  /**
   * Random runs of {@link #CHAOS_JOBS}, each told on stdout before it is closed ({@code closing ID JOB EXIT START
   * END}, times in epoch nanoseconds) and after ({@code outcome ID delivered|spooled|lost}), for the parent to
   * compare with what the gateway holds in the end. Strict, so that close() says what became of the run.
   */
  private static void chaos(String[] args) {
    int child = Integer.parseInt(args[4]);
    Random random = new Random(Long.parseLong(args[5]) * 1000 + child);
    // Set by hand before each start and end, so the child knows exactly when its runs started and finished.
    TestClock clock = new TestClock(Instant.now().toString());
    BatchPush push = builder(args[1], args[2], args[3]).strict(true).clock(clock).build();
    for (int i = 0; i < Integer.parseInt(args[6]); i++) {
      String job = CHAOS_JOBS[random.nextInt(CHAOS_JOBS.length)];
      int exit = random.nextBoolean() ? 0 : 1 + random.nextInt(5);
      int id = child * 1000 + i;
      Instant start = Instant.now();
      clock.set(start.toString());
      JobRun run = push.start(job).gauge("run_id", id);
      sleep(random.nextInt(30));
      if (exit == 0) {
        run.succeeded();
      } else {
        run.failed(exit);
      }
      Instant end = Instant.now();
      clock.set(end.toString());
      // Delivered in real time: a run that waits for the lock is delivered after what went out meanwhile.
      clock.deliverInRealTime();
      System.out.println("closing " + id + " " + job + " " + exit + " " + nanos(start) + " " + nanos(end));
      System.out.flush();
      String outcome;
      try {
        run.close();
        outcome = "delivered";
      } catch (PushException e) {
        outcome = e.getMessage().contains("LOST") ? "lost" : e.getMessage().contains("spooled to") ? "spooled"
            : "unknown " + e.getMessage();
      }
      System.out.println("outcome " + id + " " + outcome);
      System.out.flush();
    }
  }

  private static long nanos(Instant t) {
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
