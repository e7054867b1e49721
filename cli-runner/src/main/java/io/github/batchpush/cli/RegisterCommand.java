package io.github.batchpush.cli;

import io.github.batchpush.BatchPush;
import io.github.batchpush.Defaults;
import io.github.batchpush.Labels;
import io.github.batchpush.Setting;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code batchpush register --job NAME --max-age DURATION [--label KEY=VALUE]...}: declares a job on the gateway
 * when it is installed, so that it pages even if it never runs.
 */
final class RegisterCommand implements Callable<Integer> {
  final CommandSpec spec = Specs.command(this, "register", "Declares a job and its max age before it ever runs.");

  RegisterCommand() {
    spec.usageMessage().description(
        "Declares the job NAME (with the --label pairs) on the Pushgateway: its max age, and when it was declared. "
            + "With the shipped alert rules, BatchJobNoRecentSuccess then pages when the job has had no success "
            + "within its max age of the declaration, so a job whose cron line was never installed, whose "
            + "wrapper is not found or which never starts pages too; its first success clears the alert.",
        "",
        "Run it once when you install the job. Running it again is safe: it never touches the last success or "
            + "anything else a run pushed, keeps the time of the first declaration and only updates the max age.");
    Specs.exitCodes(spec,
        "0", "The job is declared.",
        "1", "The gateway could not be reached or refused; nothing was declared.",
        "125", "Bad option, label, URL or secret file; nothing was sent.");
    Specs.example(spec, "  batchpush register --job nightly_backup --label team=ops --max-age 26h");
    spec.addOption(Specs.required("--job", "NAME", "The job name: the group's job label."));
    spec.addOption(Specs.duration("--max-age", "Freshness SLO: how long the job may go without a success before "
        + "alerts fire, counted from this declaration until its first success. The same as its runs' --max-age. "
        + "Durations: 90s, 5m, 26h, 1d or ISO-8601 (PT26H).").required(true).build());
    spec.addOption(Specs.repeatable("--label", "KEY=VALUE", "A grouping label of the job, as its runs give it; "
        + "repeat for more. Added to those of env BATCHPUSH_LABELS, as for run."));
    spec.addOption(Specs.option("--metric-prefix", "PREFIX", "Prefix of every metric name (env "
        + "BATCHPUSH_METRIC_PREFIX; default: " + Defaults.METRIC_PREFIX + ")."));
    ConnectionOptions.addTo(spec);
    Specs.standardHelp(spec);
  }

  @Override
  public Integer call() {
    String job = Specs.value(spec, "--job");
    Duration maxAge = Specs.value(spec, "--max-age");
    ConnectionOptions connection = new ConnectionOptions(spec);
    Console console = new Console(spec.commandLine().getErr(), connection.quiet);
    BatchPush push;
    Instant since;
    try {
      DurationConverter.required(maxAge, "--max-age", "give the job's freshness SLO, e.g. 26h");
      BatchPush.Builder b = connection.builder(System.getenv(), true).noSpool();
      Labels.labels(Specs.values(spec, "--label")).forEach(b::label);
      ConnectionOptions.given(b, Setting.METRIC_PREFIX, Specs.value(spec, "--metric-prefix"));
      push = b.build();
      since = push.register(job, maxAge);
    } catch (RuntimeException | Error e) {
      return console.failed(e, "registering " + job);
    }
    console.info("registered group " + Console.group(job, push.labels()) + " on " + push.gateway() + ": max age "
        + DurationConverter.describe(maxAge) + ", counted from "
        + since.truncatedTo(ChronoUnit.SECONDS) + " until its first success");
    return 0;
  }
}
