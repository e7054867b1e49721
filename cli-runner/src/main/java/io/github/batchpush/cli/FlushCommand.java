package io.github.batchpush.cli;

import io.github.batchpush.BatchPush;
import io.github.batchpush.GatewayUrl;
import io.github.batchpush.SpoolReport;
import java.io.PrintWriter;
import java.net.URI;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;

/** {@code batchpush flush}: delivers the spooled runs now rather than with the next run's push. */
final class FlushCommand implements Callable<Integer> {
  final CommandSpec spec = Specs.command(this, "flush", "Delivers the spooled runs now.");

  FlushCommand() {
    spec.usageMessage().description("Delivers the runs waiting in the spool to the Pushgateway now, oldest first, "
        + "and prints what it delivered, what is still waiting, and what was dropped or set aside.");
    Specs.exitCodes(spec,
        "0", "No run for this gateway is left (runs spooled for another gateway are only counted).",
        "1", "Some runs are still waiting: the gateway could not take them.",
        "125", "Bad option, URL or secret file, or a spool directory this user cannot write; nothing was sent.");
    ConnectionOptions.addTo(spec);
    SpoolOptions.addTo(spec);
    spec.addOption(Specs.option("--from-gateway", "OLD_URL", "Also deliver the runs spooled for OLD_URL to "
        + "--gateway: after the gateway's URL changed, runs recorded while the old one was down would otherwise "
        + "wait for it until they age out."));
    Specs.standardHelp(spec);
  }

  @Override
  public Integer call() {
    ConnectionOptions connection = new ConnectionOptions(spec);
    String fromGateway = Specs.value(spec, "--from-gateway");
    Console console = new Console(spec.commandLine().getErr(), connection.quiet);
    BatchPush push;
    URI previous;
    SpoolReport report;
    try {
      BatchPush.Builder b = connection.builder(System.getenv(), true);
      SpoolOptions.applyTo(spec, b);
      push = b.build();
      previous = fromGateway == null ? null : fromGateway(fromGateway);
    } catch (IllegalArgumentException | IllegalStateException e) {
      console.error(e.getMessage());
      return BatchPushCli.USAGE;
    }
    List<String> problems = push.preflight();
    if (!problems.isEmpty()) {
      problems.forEach(console::error);
      return BatchPushCli.USAGE;
    }
    try {
      report = previous == null ? push.flush() : push.flushFrom(previous);
    } catch (RuntimeException | Error e) {
      // OutOfMemoryError included: one line, and the runs stay spooled.
      console.error("flushing the spool " + push.spoolDirectory() + " failed: " + Console.describe(e));
      return 1;
    }
    int code = report.remaining() == 0 && report.failure() == null ? 0 : 1;
    if (code != 0 || !connection.quiet) {
      PrintWriter out = spec.commandLine().getOut();
      out.println("batchpush: spool " + push.spoolDirectory() + " -> " + push.gateway() + ": delivered "
          + report.delivered() + ", remaining " + report.remaining() + ", dropped " + report.dropped()
          + ", set aside " + report.setAside() + ", for other gateways " + report.forOtherGateways());
      out.flush();
    }
    if (report.failure() != null) {
      console.error(report.failure().getMessage());
    }
    // Not an error (jobs sharing a spool may push to other gateways), but after a change of URL it is why the
    // spool is not empty.
    report.otherGateways().forEach((url, runs) -> console.info(runs + " spooled run(s) wait for " + url
        + "; if that gateway's URL changed to " + push.gateway() + ", deliver them with --from-gateway " + url));
    return code;
  }

  private static URI fromGateway(String text) {
    try {
      return GatewayUrl.parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("Invalid --from-gateway: " + e.getMessage(), e);
    }
  }
}
