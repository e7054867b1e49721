package io.github.batchpush.cli;

import io.github.batchpush.BatchPush;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where undelivered runs wait for the gateway; shared by {@code run} and {@code flush}. */
final class SpoolOptions {
  @Option(names = "--spool-dir", paramLabel = "DIR", defaultValue = "${env:BATCHPUSH_SPOOL_DIR}",
      description = "Where runs that could not be delivered wait for the next delivery (env BATCHPUSH_SPOOL_DIR; "
          + "default: batchpush/spool in $XDG_STATE_HOME, else in $HOME/.local/state).")
  Path spoolDir;

  void applyTo(BatchPush.Builder b) {
    if (ConnectionOptions.given(spoolDir)) {
      b.spoolDirectory(spoolDir);
    }
  }
}
