package com.example;

import io.github.batchpush.BatchPush;
import io.github.batchpush.JobRun;
import java.net.URI;
import java.time.Duration;

public class NightlyReport {
  static final Duration MAX_AGE = Duration.ofHours(26);   // alert when the last success is older than this

  public static void main(String[] args) {
    BatchPush push = BatchPush.builder()
        .gateway(URI.create(args[0]))             // e.g. http://pushgateway.internal:9091
        .label("team", "data")
        .maxAge(MAX_AGE)
        .build();                                 // undelivered runs wait in ~/.local/state/batchpush/spool

    if (args.length > 1 && args[1].equals("register")) {
      push.register("nightly_report", MAX_AGE);   // once, at install: it pages even if it never runs
      return;
    }
    try (JobRun run = push.start("nightly_report")) {
      int rows = exportRows();                    // ... the job ...
      run.gauge("records_processed", rows);
      run.succeeded();                            // without this, close() records a failure (exit code 1)
    }                                             // close() pushes; delivery problems are logged, not thrown
  }

  static int exportRows() {
    return 42;
  }
}
