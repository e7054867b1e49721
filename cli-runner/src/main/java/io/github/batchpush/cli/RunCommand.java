package io.github.batchpush.cli;

import io.github.batchpush.BatchPush;
import io.github.batchpush.Defaults;
import io.github.batchpush.Durations;
import io.github.batchpush.JobRun;
import io.github.batchpush.Labels;
import io.github.batchpush.RunLock;
import io.github.batchpush.Setting;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/** {@code batchpush run --job NAME [options] -- COMMAND [ARGS...]}: runs COMMAND, then pushes how it went. */
final class RunCommand implements Callable<Integer> {
  /** How long COMMAND gets between TERM and KILL on timeout; supervising COMMAND is the command line's alone. */
  static final String DEFAULT_KILL_AFTER = "10s";
  /** How long one look at a held lock waits: a signal during --lock-wait is noticed within it. */
  private static final long LOCK_LOOK_NANOS = Duration.ofMillis(100).toNanos();

  final CommandSpec spec = Specs.command(this, "run", "Runs COMMAND and pushes how it went.");
  private final Argv argv;

  private String job;
  private Duration timeout;
  private Duration killAfter;
  private Duration lockWait;
  private boolean lock;

  RunCommand(Argv argv) {
    this.argv = argv;
    spec.usageMessage().showEndOfOptionsDelimiterInUsageHelp(true).description(
        "Runs COMMAND directly (no shell: write sh -c '...' for one) with batchpush's own stdin, stdout and "
            + "stderr, then pushes the run's duration, exit code and completion time (and the last success time "
            + "when it succeeded) to the Pushgateway group job=NAME plus the --label pairs.",
        "",
        "SIGTERM, SIGINT and SIGHUP are passed on to COMMAND and what it started (a terminal's Ctrl-C, which "
            + "reaches COMMAND directly, is not sent twice); batchpush then waits for it, "
            + "pushes the failed run and exits with COMMAND's code. Sent before COMMAND started or after it ended, "
            + "they end batchpush within 2s. SIGQUIT to batchpush is ignored (a terminal's Ctrl-\\ reaches "
            + "COMMAND directly). A push problem is reported on stderr and "
            + "never changes the exit code; an undelivered run is spooled and delivered by the next push.",
        "",
        "With --lock, at most one run of the group runs at a time on this host: a run that finds the previous one "
            + "still running waits up to --lock-wait, then is skipped (COMMAND does not run; the skip is pushed as "
            + "<prefix>_last_skip_timestamp_seconds, nothing else of the group changes) and exits 193.");
    Specs.exitCodes(spec,
        "0", "COMMAND succeeded.",
        "1-123", "COMMAND's own exit code.",
        "124", "COMMAND ran longer than --timeout and was stopped.",
        "125", "batchpush could not start the run (bad option, label, URL or secret file, or a spool directory "
            + "this user cannot write); COMMAND did not run.",
        "126", "COMMAND was found but is not executable.",
        "127", "COMMAND was not found.",
        "128+N", "COMMAND was killed by signal N (137: KILL, 143: TERM).",
        "193", "--lock: the previous run still held the lock after --lock-wait; this run was skipped and COMMAND did "
            + "not run.");
    Specs.example(spec, "  batchpush run --job backup --timeout 2h -- /usr/local/bin/backup.sh --full");
    spec.addPositional(PositionalParamSpec.builder().index("0..*").arity("1..*").paramLabel("COMMAND [ARGS...]")
        .hideParamSyntax(true).type(List.class).auxiliaryTypes(String.class)
        .description("The command to run and its arguments, passed on byte for byte.").build());
    spec.addOption(Specs.required("--job", "NAME", "The job name: the group's job label."));
    spec.addOption(Specs.repeatable("--label", "KEY=VALUE", "A grouping label; repeat for more (--label team=ops "
        + "--label env=prod). Added to those of env BATCHPUSH_LABELS (team=ops,env=prod); --label wins for the "
        + "same key."));
    spec.addOption(Specs.duration("--timeout", "Stop COMMAND after this long (TERM, then KILL after --kill-after) "
        + "and exit 124. Durations: 90s, 5m, 2h, 1d or ISO-8601 (PT90S).").build());
    spec.addOption(Specs.duration("--kill-after", "Grace between TERM and KILL on timeout (default: "
        + "${DEFAULT-VALUE}).").defaultValue(DEFAULT_KILL_AFTER).build());
    spec.addOption(Specs.duration("--max-age", "Freshness SLO: how old the last success may get before alerts "
        + "fire; pushed as <prefix>_max_age_seconds.").build());
    spec.addOption(Specs.flag("--lock", "At most one run of this job and labels at a time on this host: while the "
        + "previous run holds the lock (a file in env BATCHPUSH_LOCK_DIR; default: " + Defaults.LOCK_DIRECTORY
        + "), wait up to --lock-wait, then skip this run and exit 193. Pair it with a --timeout shorter than the "
        + "schedule's interval, or a hung run skips every later one."));
    spec.addOption(Specs.duration("--lock-wait", "With --lock: how long to wait for the previous run to end before "
        + "skipping this one (default: 0s, skip at once). COMMAND's --timeout starts when it starts, after the "
        + "wait.").build());
    spec.addOption(Specs.flag("--push-start", "Also push the start time when COMMAND starts, to alert on hung runs."));
    spec.addOption(Specs.option("--metric-prefix", "PREFIX", "Prefix of every metric name (env "
        + "BATCHPUSH_METRIC_PREFIX; default: " + Defaults.METRIC_PREFIX + ")."));
    spec.addOption(Specs.option("--textfile-dir", "DIR", "Also write the run to DIR/<job>.prom for node_exporter's "
        + "textfile collector (env BATCHPUSH_TEXTFILE_DIR)."));
    spec.addOption(Specs.flag("--no-gateway", "Do not push; only write the textfile (needs --textfile-dir)."));
    ConnectionOptions.addTo(spec);
    SpoolOptions.addTo(spec);
    spec.addOption(Specs.flag("--no-spool", "Do not spool: a run that cannot be delivered in time is lost."));
    Specs.standardHelp(spec);
  }

  @Override
  public Integer call() {
    job = Specs.value(spec, "--job");
    timeout = Specs.value(spec, "--timeout");
    killAfter = Specs.value(spec, "--kill-after");
    lock = Specs.given(spec, "--lock");
    lockWait = Specs.value(spec, "--lock-wait");
    List<String> command = spec.positionalParameters().get(0).getValue();
    ConnectionOptions connection = new ConnectionOptions(spec);
    Console console = new Console(spec.commandLine().getErr(), connection.quiet);
    Duration grace = killAfter == null ? Durations.parse(DEFAULT_KILL_AFTER) : killAfter;
    CommandArgv commandArgv = new CommandArgv(command, argv.bytesOf(command), CommandArgv.secretVariables());
    Supervisor supervisor = new Supervisor(commandArgv, job, timeout, grace, console).handleSignals();
    BatchPush push;
    RunLock runLock = null;
    JobRun run;
    try {
      push = batchPush(System.getenv(), connection);
      List<String> problems = push.preflight();
      if (!problems.isEmpty()) {
        problems.forEach(problem -> console.error(SpoolOptions.explain(problem)));
        return BatchPushCli.USAGE;
      }
      supervisor.ifCutShort(push.spoolDirectory() != null ? "the spool's next delivery sends it"
          : "without a spool it is lost");
      if (lock) {
        runLock = awaitLock(push, supervisor);
        if (!runLock.acquired()) {
          // Told to stop while waiting, this run never had its turn: no failure of the group's (whose holder still
          // runs) and no skip either; nothing is pushed, and COMMAND is not started (128+N).
          return supervisor.toldToStop() ? supervisor.run().exitCode : skip(push, runLock, console);
        }
      }
      run = push.start(job);
    } catch (IllegalArgumentException | IllegalStateException e) {
      console.error(e.getMessage());
      return BatchPushCli.USAGE;
    } catch (RuntimeException | Error e) {
      // OutOfMemoryError included: still one line, and COMMAND has not run.
      console.error("cannot start the run of " + job + ": " + Console.describe(e));
      return BatchPushCli.USAGE;
    }
    try {
      return superviseAndPush(supervisor, run, console);
    } finally {
      // Only once the run is pushed: a next run must not push before this one and be overwritten by it.
      if (runLock != null) {
        runLock.close();
      }
    }
  }

  private int superviseAndPush(Supervisor supervisor, JobRun run, Console console) {
    Supervisor.Outcome outcome = supervisor.run();
    try {
      if (outcome.recordedCode == 0) {
        run.succeeded();
      } else {
        run.failed(outcome.recordedCode);
      }
      run.close();
    } catch (RuntimeException | Error e) {
      // Monitoring never breaks the job: whatever went wrong, COMMAND's exit code stands.
      console.error("pushing the run of " + job + " failed: " + Console.describe(e));
    }
    return outcome.exitCode;
  }

  /**
   * The group's lock, held or not after --lock-wait; the wait is taken in slices, so that a TERM, INT or HUP ends it
   * at once (COMMAND is then not started, as for any signal before it starts).
   */
  private RunLock awaitLock(BatchPush push, Supervisor supervisor) {
    long end = System.nanoTime() + (lockWait == null ? 0 : lockWait.toNanos());
    RunLock attempt = push.lock(job, untilNextLook(end));
    while (!attempt.acquired() && System.nanoTime() < end && !supervisor.toldToStop()) {
      attempt = push.lock(job, untilNextLook(end));
    }
    return attempt;
  }

  private static Duration untilNextLook(long endNanos) {
    return Duration.ofNanos(Math.max(0, Math.min(endNanos - System.nanoTime(), LOCK_LOOK_NANOS)));
  }

  /** The previous run still holds the lock: COMMAND does not run; the skip is pushed and said in one line. */
  private int skip(BatchPush push, RunLock runLock, Console console) {
    String holder = runLock.holder() == null ? "" : " (" + runLock.holder() + ")";
    String waited = lockWait == null || lockWait.isZero() ? " still holds" : " still held";
    String after = lockWait == null || lockWait.isZero() ? "" : " after " + DurationConverter.describe(lockWait);
    console.info("skipped this run of " + Console.group(job, push.labels()) + ": the previous one" + holder + waited
        + " the lock " + runLock.file() + after);
    try {
      push.skipped(job);
    } catch (RuntimeException | Error e) {
      console.error("pushing the skip of " + job + " failed: " + Console.describe(e));
    }
    return BatchPushCli.SKIPPED;
  }

  BatchPush batchPush(Map<String, String> env, ConnectionOptions connection) {
    boolean noGateway = Specs.given(spec, "--no-gateway");
    String textfileDir = Specs.value(spec, "--textfile-dir");
    if (noGateway && textfileDir == null && isBlank(env.get(Setting.TEXTFILE_DIR.environmentVariable()))) {
      throw new IllegalArgumentException("--no-gateway leaves nowhere to record the run: add --textfile-dir DIR");
    }
    BatchPush.Builder b = connection.builder(env, !noGateway);
    Labels.labels(Specs.values(spec, "--label")).forEach(b::label);
    if (Specs.given(spec, "--no-spool")) {
      b.noSpool();
    } else {
      SpoolOptions.applyTo(spec, b);
    }
    ConnectionOptions.given(b, Setting.METRIC_PREFIX, Specs.value(spec, "--metric-prefix"));
    ConnectionOptions.given(b, Setting.TEXTFILE_DIR, textfileDir);
    Duration maxAge = Specs.value(spec, "--max-age");
    if (maxAge != null) {
      b.maxAge(maxAge);
    }
    if (killAfter != null && killAfter.isZero()) {
      throw new IllegalArgumentException("Invalid --kill-after: 0s (give COMMAND a moment to clean up, e.g. 10s)");
    }
    if (lockWait != null && !lock) {
      throw new IllegalArgumentException("--lock-wait needs --lock: add --lock, or leave --lock-wait out");
    }
    if (timeout != null && timeout.isZero()) {
      throw new IllegalArgumentException("Invalid --timeout: 0s (must be positive, e.g. 2h)");
    }
    return b.pushAtStart(Specs.given(spec, "--push-start")).build();
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }
}
