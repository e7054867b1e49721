package io.github.batchpush.cli;

import io.github.batchpush.BatchPush;
import io.github.batchpush.Defaults;
import io.github.batchpush.Setting;
import picocli.CommandLine.Option;

/** Where undelivered runs wait for the gateway; shared by {@code run} and {@code flush}. */
final class SpoolOptions {
  @Option(names = "--spool-dir", paramLabel = "DIR",
      description = "Where runs that could not be delivered wait for the next delivery (env BATCHPUSH_SPOOL_DIR; "
          + "default: " + Defaults.SPOOL_DIRECTORY + ").")
  String spoolDir;

  void applyTo(BatchPush.Builder b) {
    ConnectionOptions.given(b, Setting.SPOOL_DIR, spoolDir);
  }
}
