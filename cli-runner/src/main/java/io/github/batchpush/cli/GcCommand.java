package io.github.batchpush.cli;

import io.github.batchpush.BatchPush;
import io.github.batchpush.Defaults;
import io.github.batchpush.GatewayGroup;
import io.github.batchpush.PushException;
import io.github.batchpush.Setting;
import io.github.batchpush.StaleGroups;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code batchpush gc --older-than DURATION [--dry-run] [--job REGEX] [--include-slo]}: deletes the gateway's groups
 * that nothing has pushed to for a while. Which groups those are is core's rule ({@link BatchPush#staleGroups});
 * this command lists and deletes them.
 */
final class GcCommand implements Callable<Integer> {
  private static final Pattern EVERY_JOB = Pattern.compile(".*", Pattern.DOTALL);

  final CommandSpec spec = Specs.command(this, "gc", "Deletes the groups nothing has pushed to for a while.");

  GcCommand() {
    spec.usageMessage().description(
        "Deletes from the Pushgateway every group whose last push is older than --older-than: the groups of jobs "
            + "that were retired, renamed or moved, which the gateway keeps for ever. The last push is the "
            + "gateway's push_time_seconds (or push_failure_time_seconds, when pushes to the group are being "
            + "refused). Each group deleted (with --dry-run: that would be deleted) is listed on stdout, then a "
            + "summary line.",
        "",
        "A stale group that declares a max age (<prefix>_max_age_seconds, from run --max-age or register) is kept "
            + "unless --include-slo is given: deleting it would silence the freshness alert (BatchJobNoRecentSuccess) "
            + "that says its job stopped running. Kept groups are listed too, and counted in the summary.",
        "",
        "The groups are read once (GET /api/v1/metrics), then deleted one by one, each exactly as it is labelled; a "
            + "group pushed to in between is deleted all the same, and its next push brings it back.");
    Specs.exitCodes(spec,
        "0", "Every stale group is gone (with --dry-run: nothing was deleted); also when there was none.",
        "1", "The gateway could not be reached or refused (to list the groups, or to delete one of them).",
        "125", "Bad option, pattern, URL or secret file; nothing was deleted.");
    Specs.example(spec, "  batchpush gc --older-than 30d --dry-run");
    spec.addOption(Specs.duration("--older-than", "Delete the groups last pushed to longer ago than this. "
        + "Durations: 90s, 5m, 2h, 30d or ISO-8601 (P30D).").required(true).build());
    spec.addOption(Specs.flag("--dry-run", "Only list the groups that would be deleted; delete nothing."));
    spec.addOption(Specs.option("--job", "REGEX", "Only the groups whose job name matches REGEX as a whole (a Java "
        + "regular expression, e.g. 'legacy_.*'); default: every job."));
    spec.addOption(Specs.flag("--include-slo",
        "Also delete the stale groups that declare a max age, silencing their freshness alert."));
    spec.addOption(Specs.option("--metric-prefix", "PREFIX", "Prefix of the metric names, which tells the max-age "
        + "metric (env BATCHPUSH_METRIC_PREFIX; default: " + Defaults.METRIC_PREFIX + ")."));
    ConnectionOptions.addTo(spec);
    Specs.standardHelp(spec);
  }

  @Override
  public Integer call() {
    Duration olderThan = Specs.value(spec, "--older-than");
    String job = Specs.value(spec, "--job");
    boolean dryRun = Specs.given(spec, "--dry-run");
    ConnectionOptions connection = new ConnectionOptions(spec);
    Console console = new Console(spec.commandLine().getErr(), connection.quiet);
    BatchPush push;
    Pattern jobs;
    try {
      DurationConverter.required(olderThan, "--older-than", "give how long a group may go without a push, e.g. 30d");
      jobs = job == null ? EVERY_JOB : jobPattern(job);
      BatchPush.Builder b = connection.builder(System.getenv(), true).noSpool();
      ConnectionOptions.given(b, Setting.METRIC_PREFIX, Specs.value(spec, "--metric-prefix"));
      push = b.build();
    } catch (IllegalArgumentException | IllegalStateException e) {
      console.error(e.getMessage());
      return BatchPushCli.USAGE;
    }
    StaleGroups stale;
    try {
      stale = push.staleGroups(olderThan, jobs, Specs.given(spec, "--include-slo"));
    } catch (RuntimeException | Error e) {
      return console.failed(e, "gc on " + push.gateway());
    }
    Listing listing = new Listing(spec.commandLine().getOut(), dryRun, connection.quiet);
    int deleted = listing.deleteAndList(push, stale, console);
    listing.report(push, stale, olderThan, deleted);
    return deleted == stale.toDelete().size() ? 0 : 1;
  }

  /** What gc prints on stdout: a line per group deleted (or that would be) and kept, then the summary. */
  private static final class Listing {
    private final PrintWriter out;
    private final boolean dryRun;
    private final boolean quiet;

    Listing(PrintWriter out, boolean dryRun, boolean quiet) {
      this.out = out;
      this.dryRun = dryRun;
      this.quiet = quiet;
    }

    /** Deletes (unless --dry-run) and lists the stale groups, and lists those kept; how many are gone. */
    int deleteAndList(BatchPush push, StaleGroups stale, Console console) {
      int deleted = 0;
      for (GatewayGroup group : stale.toDelete()) {
        if (!dryRun) {
          try {
            push.delete(group);
          } catch (PushException e) {
            console.error(e.getMessage());
            continue;
          } catch (RuntimeException | Error e) {
            console.error("deleting " + group + " failed: " + Console.describe(e));
            continue;
          }
        }
        deleted++;
        if (!quiet) {
          out.println((dryRun ? "would delete " : "deleted ") + group + " (last push " + when(group.lastPush())
              + ")");
        }
      }
      if (!quiet) {
        for (GatewayGroup group : stale.keptForMaxAge()) {
          out.println("kept " + group + " (last push " + when(group.lastPush()) + ", max age "
              + DurationConverter.describe(group.maxAge()) + ")");
        }
      }
      out.flush();
      return deleted;
    }

    void report(BatchPush push, StaleGroups stale, Duration olderThan, int deleted) {
      if (quiet) {
        return;
      }
      out.println("batchpush: gc on " + push.gateway() + ": " + (dryRun ? "would delete " : "deleted ") + deleted
          + " group(s) last pushed more than " + DurationConverter.describe(olderThan) + " ago; kept "
          + stale.keptForMaxAge().size() + " such group(s) that declare a max age (deleting one would silence its "
          + "freshness alert; --include-slo deletes them too); " + stale.fresh() + " group(s) pushed to more recently");
      out.flush();
    }
  }

  private static String when(Instant t) {
    return t.equals(Instant.EPOCH) ? "never" : t.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  private static Pattern jobPattern(String regex) {
    try {
      return Pattern.compile(regex);
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException("Invalid --job: '" + regex + "' (" + e.getDescription() + " at index "
          + e.getIndex() + "; give a Java regular expression, e.g. 'legacy_.*')", e);
    }
  }
}
