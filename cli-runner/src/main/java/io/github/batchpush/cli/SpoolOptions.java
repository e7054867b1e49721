package io.github.batchpush.cli;

import io.github.batchpush.BatchPush;
import io.github.batchpush.Defaults;
import io.github.batchpush.Setting;
import picocli.CommandLine.Model.CommandSpec;

/** Where undelivered runs wait for the gateway; shared by {@code run} and {@code flush}. */
final class SpoolOptions {
  private SpoolOptions() {}

  static void addTo(CommandSpec spec) {
    spec.addOption(Specs.option("--spool-dir", "DIR", "Where runs that could not be delivered wait for the next "
        + "delivery (env BATCHPUSH_SPOOL_DIR; default: " + Defaults.SPOOL_DIRECTORY + ")."));
  }

  /** A problem {@link BatchPush#preflight()} found, with the way out a spool problem also has: no spool at all. */
  static String explain(String problem) {
    return problem.startsWith("The spool directory") ? problem + ", or run without a spool: --no-spool" : problem;
  }

  static void applyTo(CommandSpec spec, BatchPush.Builder b) {
    ConnectionOptions.given(b, Setting.SPOOL_DIR, Specs.value(spec, "--spool-dir"));
  }
}
