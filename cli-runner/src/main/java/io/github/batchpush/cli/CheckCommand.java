package io.github.batchpush.cli;

import io.github.batchpush.BatchPush;
import io.github.batchpush.Defaults;
import io.github.batchpush.GatewayProbe;
import io.github.batchpush.Labels;
import io.github.batchpush.PushException;
import io.github.batchpush.Setting;
import io.github.batchpush.SpoolReport;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code batchpush check [--job NAME] [options]}: before a job's first night, finds what would otherwise only show
 * after it ran (or never ran): bad configuration, a gateway that cannot be reached or refuses the credentials, a job
 * that would not page, an unusable spool. Pushes nothing.
 *
 * <p>What is fine goes to stdout, problems to stderr, as {@code flush} does: the report is what the command is run
 * for ({@code check > report.txt} keeps it), while problems go where cron mail and a terminal show them, and
 * {@code --quiet} leaves only those, so a good check in cron prints nothing.
 */
final class CheckCommand implements Callable<Integer> {
  private static final int GATEWAY_PROBLEM = 1;
  private static final int BAD_CONFIGURATION = BatchPushCli.USAGE;

  final CommandSpec spec =
      Specs.command(this, "check", "Checks configuration, gateway, job and spool; pushes nothing.");

  private String job;
  private ConnectionOptions connection;
  private boolean noSpool;

  CheckCommand() {
    spec.usageMessage().description(
        "Checks what a run with the same options and environment would meet, so that it shows before the job's "
            + "first night: the configuration (gateway URL, secret and CA files, options); the gateway (reachable, "
            + "a Pushgateway, and it takes the credentials: one GET of its /metrics within --deadline); with --job, "
            + "the job's group on it (declared with a max age, so that it pages even if it never runs, and when "
            + "BatchJobNoRecentSuccess fires unless a run succeeds); and the spool (a directory this user can "
            + "use, and the runs waiting in it for this gateway and for others). It pushes, writes and deletes "
            + "nothing.",
        "",
        "One batchpush: line per finding: what is fine on stdout, problems on stderr (--quiet prints only "
            + "these). Every finding is printed; the worst decides the exit code.");
    Specs.exitCodes(spec,
        "0", "All good.",
        "1", "A gateway problem: unreachable, not a Pushgateway, credentials refused (401, 403), a TLS failure; with "
            + "--job, a job the gateway does not hold with a max age (it would not page if it never ran), or whose "
            + "latest push the gateway rejected.",
        "125", "Bad configuration: an option, label, URL, secret or CA file, or a spool directory this user cannot "
            + "use.");
    Specs.example(spec, "  batchpush check --job nightly_backup --label team=ops");
    spec.addOption(Specs.option("--job", "NAME", "Also check this job's group on the gateway: that it is declared "
        + "with a max age (batchpush register), and what its last runs left there."));
    spec.addOption(Specs.repeatable("--label", "KEY=VALUE", "A grouping label of the job, as its runs give it; "
        + "repeat for more. Added to those of env BATCHPUSH_LABELS, as for run."));
    spec.addOption(Specs.option("--metric-prefix", "PREFIX", "Prefix of every metric name (env "
        + "BATCHPUSH_METRIC_PREFIX; default: " + Defaults.METRIC_PREFIX + ")."));
    ConnectionOptions.addTo(spec);
    SpoolOptions.addTo(spec);
    spec.addOption(Specs.flag("--no-spool", "Check no spool directory: for jobs run with --no-spool, or whose "
        + "spool is not this user's to check (a systemd service's StateDirectory)."));
    Specs.standardHelp(spec);
  }

  @Override
  public Integer call() {
    job = Specs.value(spec, "--job");
    connection = new ConnectionOptions(spec);
    noSpool = Specs.given(spec, "--no-spool");
    Findings findings = new Findings(spec.commandLine().getOut(),
        new Console(spec.commandLine().getErr(), connection.quiet), connection.quiet);
    BatchPush push;
    try {
      push = batchPush(System.getenv());
    } catch (IllegalArgumentException | IllegalStateException e) {
      findings.problem(BAD_CONFIGURATION, e.getMessage());
      checkSpoolAlone(System.getenv(), findings);
      return findings.exitCode();
    } catch (RuntimeException | Error e) {
      findings.problem(BAD_CONFIGURATION, "checking the configuration failed: " + Console.describe(e));
      return findings.exitCode();
    }
    try {
      checkGateway(push, findings);
    } catch (RuntimeException | Error e) {
      findings.problem(GATEWAY_PROBLEM, "checking the gateway " + push.gateway() + " failed: " + Console.describe(e));
    }
    try {
      checkSpool(push, findings);
    } catch (RuntimeException | Error e) {
      findings.problem(BAD_CONFIGURATION, "checking the spool " + push.spoolDirectory() + " failed: "
          + Console.describe(e));
    }
    return findings.exitCode();
  }

  private BatchPush batchPush(Map<String, String> env) {
    BatchPush.Builder b = connection.builder(env, true);
    Labels.labels(Specs.values(spec, "--label")).forEach(b::label);
    ConnectionOptions.given(b, Setting.METRIC_PREFIX, Specs.value(spec, "--metric-prefix"));
    if (noSpool) {
      b.noSpool();
    } else {
      SpoolOptions.applyTo(spec, b);
    }
    return b.build();
  }

  private void checkGateway(BatchPush push, Findings findings) {
    GatewayProbe probe;
    try {
      probe = job == null ? push.probe() : push.probe(job);
    } catch (PushException e) {
      findings.problem(GATEWAY_PROBLEM, e.getMessage());
      return;
    } catch (IllegalArgumentException e) {
      findings.problem(BAD_CONFIGURATION, e.getMessage());
      return;
    }
    if (probe.version() == null) {
      // Whatever it holds is no job's group.
      findings.problem(GATEWAY_PROBLEM, "gateway " + push.gateway() + ": answers, but is not a Pushgateway (no "
          + "pushgateway_build_info among its metrics): check the URL, its port (9091 unless the gateway was "
          + "told otherwise) and its path prefix");
      return;
    }
    findings.ok("gateway " + push.gateway() + ": Pushgateway " + probe.version() + ", answered in "
        + probe.elapsed().toMillis() + " ms; " + trust(push) + credentials(push));
    if (job != null) {
      checkJob(push, probe, findings);
    }
  }

  private static String trust(BatchPush push) {
    if (!"https".equals(push.gateway().getScheme())) {
      return "";
    }
    return "certificate trusted (" + (push.caCertificates() == null ? "the JVM's CAs" : "CA file "
        + push.caCertificates()) + "); ";
  }

  private static String credentials(BatchPush push) {
    switch (push.authentication()) {
      case BASIC:
        return "credentials accepted (basic auth as " + push.username() + ")";
      case BEARER:
        return "credentials accepted (bearer token)";
      default:
        return "no credentials sent, none asked for";
    }
  }

  /** What the job's group declares, and whether it pages if the job never runs or stops succeeding. */
  private void checkJob(BatchPush push, GatewayProbe probe, Findings findings) {
    StringBuilder group = new StringBuilder("group job=").append(job);
    StringBuilder register = new StringBuilder("batchpush register --job ").append(shellWord(job));
    push.labels().forEach((name, value) -> {
      group.append(' ').append(name).append('=').append(value);
      register.append(" --label ").append(shellWord(name + "=" + value));
    });
    register.append(" --max-age DURATION");
    if (!probe.groupFound()) {
      findings.problem(GATEWAY_PROBLEM, group + ": not on the gateway, so nothing pages if the job never runs: "
          + "declare it with " + register);
      return;
    }
    Instant pages = probe.noRecentSuccessAt();
    findings.ok(group + ": " + declared(probe) + (pages == null ? "" : pages.isAfter(Instant.now())
        ? "; BatchJobNoRecentSuccess fires at " + when(pages) + " unless a run succeeds first"
        : "; BatchJobNoRecentSuccess is due since " + when(pages)));
    if (pages == null) {
      findings.problem(GATEWAY_PROBLEM, group + (probe.maxAge() == null
          ? ": declares no max age, so BatchJobNoRecentSuccess never fires for it: declare one with "
          : ": has no success, run or declaration to count its max age from, so BatchJobNoRecentSuccess cannot "
              + "fire: declare it with ") + register);
    }
    if (probe.lastPushRejected() != null) {
      findings.problem(GATEWAY_PROBLEM, group + ": the gateway rejected the latest push to it, at "
          + when(probe.lastPushRejected()) + ", and serves the metrics of the push before (alert "
          + "PushgatewayLastPushFailed): the gateway's log says why");
    }
  }

  /** The group's max age, declaration, last run and last success, as far as it has them. */
  private static String declared(GatewayProbe probe) {
    List<String> facts = new ArrayList<>();
    facts.add(probe.maxAge() == null ? "no max age" : "max age " + DurationConverter.describe(probe.maxAge()));
    if (probe.registered() != null) {
      facts.add("registered " + when(probe.registered()));
    }
    if (probe.lastCompletion() == null) {
      facts.add("no run yet");
    } else {
      facts.add("last run " + when(probe.lastCompletion())
          + (probe.exitCode() == null ? "" : " exit code " + probe.exitCode()));
      facts.add(probe.lastSuccess() == null ? "no success yet" : "last success " + when(probe.lastSuccess()));
    }
    return String.join(", ", facts);
  }

  private void checkSpool(BatchPush push, Findings findings) {
    if (push.spoolDirectory() == null) {
      findings.ok("spool: none (--no-spool): a run that cannot be delivered in time is lost");
      return;
    }
    List<String> problems = push.preflight();
    problems.forEach(problem -> findings.problem(BAD_CONFIGURATION, SpoolOptions.explain(problem)));
    SpoolReport backlog = push.spoolBacklog();
    if (backlog.failure() != null) {
      findings.problem(BAD_CONFIGURATION, backlog.failure().getMessage());
      return;
    }
    String state = !problems.isEmpty() ? ""
        : Files.isDirectory(push.spoolDirectory()) ? "writable, " : "not created yet (its parent is writable), ";
    findings.ok("spool " + push.spoolDirectory() + ": " + state + backlog.remaining() + " run(s) waiting for "
        + push.gateway() + ", " + backlog.forOtherGateways() + " for other gateways"
        + (backlog.remaining() == 0 ? "" : "; the next run delivers them, or batchpush flush now"));
    backlog.otherGateways().forEach((url, runs) -> findings.ok(runs + " spooled run(s) wait for " + url
        + "; if that gateway's URL changed to " + push.gateway() + ", deliver them with batchpush flush "
        + "--from-gateway " + url));
  }

  /**
   * The spool directory on its own, when the rest of the configuration cannot be built: otherwise a bad spool
   * directory would only show once the first problem is fixed.
   */
  private void checkSpoolAlone(Map<String, String> env, Findings findings) {
    if (noSpool) {
      return;
    }
    String variable = Setting.SPOOL_DIR.environmentVariable();
    try {
      BatchPush.Builder b = BatchPush.builder().keyNames(ConnectionOptions::name).gateway(BatchPush.DEFAULT_GATEWAY)
          .environment(env.containsKey(variable) ? Map.of(variable, env.get(variable)) : Map.of());
      SpoolOptions.applyTo(spec, b);
      b.build().preflight().forEach(problem -> findings.problem(BAD_CONFIGURATION, SpoolOptions.explain(problem)));
    } catch (RuntimeException e) {
      // The spool's own setting is what is bad, and the line already printed names it.
    }
  }

  /** A time as the gateway holds it, to the second, and how far from now, to the minute from a minute on. */
  private static String when(Instant time) {
    Duration fromNow = Duration.between(Instant.now(), time);
    Duration distance = fromNow.abs();
    String roughly = DurationConverter.describe(distance.truncatedTo(distance.compareTo(Duration.ofMinutes(1)) < 0
        ? ChronoUnit.SECONDS : ChronoUnit.MINUTES));
    return time.truncatedTo(ChronoUnit.SECONDS) + (fromNow.isNegative() ? " (" + roughly + " ago)"
        : " (in " + roughly + ")");
  }

  /** A word as sh takes it: as it is when sh would read nothing else into it, else single-quoted. */
  private static String shellWord(String word) {
    return word.matches("[A-Za-z0-9_@%+=:,./-]+") ? word : "'" + word.replace("'", "'\\''") + "'";
  }

  /** The findings so far: what is fine goes to stdout, problems to stderr; the worst one's code is the exit code. */
  private static final class Findings {
    private final PrintWriter out;
    private final Console console;
    private final boolean quiet;
    private int exitCode;

    Findings(PrintWriter out, Console console, boolean quiet) {
      this.out = out;
      this.console = console;
      this.quiet = quiet;
    }

    void ok(String line) {
      if (!quiet) {
        out.println("batchpush: " + Console.oneLine(line));
        out.flush();
      }
    }

    /** A problem; {@link #BAD_CONFIGURATION} (125) outranks {@link #GATEWAY_PROBLEM} (1). */
    void problem(int code, String line) {
      console.error(line);
      exitCode = Math.max(exitCode, code);
    }

    int exitCode() {
      return exitCode;
    }
  }
}
