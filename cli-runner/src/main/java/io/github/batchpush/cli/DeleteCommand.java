package io.github.batchpush.cli;

import io.github.batchpush.BatchPush;
import io.github.batchpush.PushException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code batchpush delete --job NAME [--label KEY=VALUE]...}: removes a retired job's group from the gateway. */
@Command(name = "delete", header = "Removes a job's group from the Pushgateway.",
    mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    sortOptions = false,
    description = "Removes the group job=NAME plus the --label pairs, with all its metrics, from the Pushgateway "
        + "(for a job that was retired or renamed; its stale metrics would otherwise alert forever).",
    exitCodeListHeading = "%nExit codes:%n", exitCodeList = {
        "0:The group is gone (the gateway also answers so when there was no such group).",
        "1:The gateway could not be reached or refused.",
        "125:Bad option, label, URL or secret file; nothing was sent."})
final class DeleteCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--job", required = true, paramLabel = "NAME", description = "The job name of the group.")
  String job;

  @Option(names = "--label", paramLabel = "KEY=VALUE",
      description = "A grouping label of the group; repeat for more. Added to those of env BATCHPUSH_LABELS, as "
          + "for run.")
  List<String> labels = new ArrayList<>();

  @Mixin
  ConnectionOptions connection;

  @Override
  public Integer call() {
    Console console = new Console(spec.commandLine().getErr(), connection.quiet);
    BatchPush push;
    try {
      BatchPush.Builder b = connection.builder(System.getenv(), true).noSpool();
      labels.forEach(b::label);
      push = b.build();
    } catch (IllegalArgumentException | IllegalStateException e) {
      console.error(e.getMessage());
      return BatchPushCli.USAGE;
    }
    try {
      push.delete(job);
    } catch (IllegalArgumentException e) {
      console.error(e.getMessage());
      return BatchPushCli.USAGE;
    } catch (PushException e) {
      console.error(e.getMessage());
      return 1;
    } catch (RuntimeException | Error e) {
      console.error("deleting the group of " + job + " failed: " + Console.describe(e));
      return 1;
    }
    console.info("deleted group " + Console.group(job, push.labels()) + " from " + push.gateway());
    return 0;
  }
}
