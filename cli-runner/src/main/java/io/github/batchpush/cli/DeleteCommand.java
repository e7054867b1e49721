package io.github.batchpush.cli;

import io.github.batchpush.BatchPush;
import io.github.batchpush.Labels;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;

/** {@code batchpush delete --job NAME [--label KEY=VALUE]...}: removes a retired job's group from the gateway. */
final class DeleteCommand implements Callable<Integer> {
  final CommandSpec spec = Specs.command(this, "delete", "Removes a job's group from the Pushgateway.");

  DeleteCommand() {
    spec.usageMessage().description("Removes the group job=NAME plus the --label pairs, with all its metrics, from "
        + "the Pushgateway (for a job that was retired or renamed; its stale metrics would otherwise alert forever), "
        + "and the group's runs waiting in the spool for that gateway, which the next flush would push, bringing "
        + "the group back.");
    Specs.exitCodes(spec,
        "0", "The group is gone (the gateway also answers so when there was no such group).",
        "1", "The gateway could not be reached or refused; or the group is gone but its spooled runs could not be "
            + "dropped (the spool busy or unusable), so the next flush would bring it back.",
        "125", "Bad option, label, URL or secret file; nothing was sent.");
    spec.addOption(Specs.required("--job", "NAME", "The job name of the group."));
    spec.addOption(Specs.repeatable("--label", "KEY=VALUE", "A grouping label of the group; repeat for more. Added "
        + "to those of env BATCHPUSH_LABELS, as for run."));
    ConnectionOptions.addTo(spec);
    SpoolOptions.addTo(spec);
    Specs.standardHelp(spec);
  }

  @Override
  public Integer call() {
    String job = Specs.value(spec, "--job");
    List<String> labels = Specs.values(spec, "--label");
    ConnectionOptions connection = new ConnectionOptions(spec);
    Console console = new Console(spec.commandLine().getErr(), connection.quiet);
    BatchPush push;
    try {
      BatchPush.Builder b = connection.builder(System.getenv(), true);
      SpoolOptions.applyTo(spec, b);
      Labels.labels(labels).forEach(b::label);
      push = b.build();
    } catch (IllegalArgumentException | IllegalStateException e) {
      console.error(e.getMessage());
      return BatchPushCli.USAGE;
    }
    int dropped;
    try {
      dropped = push.delete(job);
    } catch (RuntimeException | Error e) {
      return console.failed(e, "deleting the group of " + job);
    }
    console.info("deleted group " + Console.group(job, push.labels()) + " from " + push.gateway()
        + (dropped == 0 ? "" : "; dropped " + dropped + " run(s) of it waiting in the spool " + push.spoolDirectory()));
    return 0;
  }
}
