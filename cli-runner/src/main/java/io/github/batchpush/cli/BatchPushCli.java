package io.github.batchpush.cli;

import java.io.FileDescriptor;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The {@code batchpush} command line: wraps a cron command and pushes how it went to a Prometheus Pushgateway.
 *
 * <pre>{@code
 * batchpush register --job nightly_backup --label team=ops --max-age 26h
 * batchpush check --job nightly_backup --label team=ops
 * batchpush run --job nightly_backup --label team=ops --timeout 2h -- /usr/local/bin/backup.sh --full
 * batchpush delete --job nightly_backup --label team=ops
 * batchpush flush
 * batchpush gc --older-than 30d --dry-run
 * batchpush help run
 * }</pre>
 *
 * <p>Exit codes follow coreutils' {@code timeout} and {@code env}: COMMAND's own code, 124 on timeout, 125 when
 * batchpush itself could not start the run, 126/127 when COMMAND cannot be executed or found, 128+N on signal N;
 * and 193 when {@code --lock} skipped the run (see the README for why 193).
 */
public final class BatchPushCli implements Callable<Integer> {
  /** COMMAND ran longer than --timeout. */
  static final int TIMED_OUT = 124;
  /** batchpush could not start the run; COMMAND did not run. */
  static final int USAGE = 125;
  /** COMMAND was found but could not be executed. */
  static final int NOT_EXECUTABLE = 126;
  /** COMMAND was not found. */
  static final int NOT_FOUND = 127;
  /**
   * --lock: the previous run still held the lock, so this one was skipped and COMMAND did not run. Not COMMAND's usual
   * range (0-123), nor 124-127, nor 128+N for any of Linux's 64 signals (129-192), nor systemd's own 200-243.
   */
  static final int SKIPPED = 193;

  private static final String CONVERTER_EXCLUDES = "picocli.converters.excludes";

  /** The commands, by name; each is built only when it is needed. */
  private static final List<String> COMMANDS = List.of("run", "register", "check", "delete", "flush", "gc");

  final CommandSpec spec = Specs.command(this, "batchpush");

  private BatchPushCli() {
    spec.usageMessage().description("Runs batch jobs and pushes what happened to a Prometheus Pushgateway.");
    Specs.exitCodes(spec,
        "0", "success",
        "125", "bad usage: no or unknown command",
        "1-127, 128+N, 193", "see the command's --help");
    Specs.standardHelp(spec);
  }

  /** Runs batchpush and exits with its code; the only place that calls {@link System#exit}. */
  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs batchpush with these arguments (the JVM's own, whose bytes COMMAND gets) and tells the exit code. */
  static int run(String[] args) {
    PrintWriter err = Console.writer(FileDescriptor.err);
    // Whatever goes wrong, and on whichever thread, one line on stderr (COMMAND's too): never a stack trace. Not a
    // lambda: linking one costs start-up time on every run.
    Thread.setDefaultUncaughtExceptionHandler(new Thread.UncaughtExceptionHandler() {
      @Override
      public void uncaughtException(Thread thread, Throwable e) {
        err.println("batchpush: internal error in " + thread.getName() + ": " + Console.describe(e));
        err.flush();
      }
    });
    int code;
    try {
      Argv argv = Argv.of(args);
      CommandLine cl = commandLine(argv);
      cl.setOut(Console.writer(FileDescriptor.out));
      cl.setErr(err);
      code = cl.execute(argv.text());
    } catch (Throwable e) {
      err.println("batchpush: internal error: " + Console.describe(e));
      err.flush();
      code = USAGE;
    }
    return code;
  }

  /** The command line for {@code argv}, the arguments it is then executed with. */
  private static CommandLine commandLine(Argv argv) {
    // picocli registers converters for java.time, java.sql and Path reflectively (the only ones this property can
    // exclude), initialising java.time's formatters on every start: about 20 ms of a ~150 ms run. Durations have
    // their own converter; Path's is below. ".*" because picocli compiles the pattern once per converter.
    if (System.getProperty(CONVERTER_EXCLUDES) == null) {
      System.setProperty(CONVERTER_EXCLUDES, ".*");
    }
    // Only the command asked for is built: what batchpush run needs before COMMAND starts is what counts.
    String[] args = argv.text();
    boolean one = args.length > 0 && COMMANDS.contains(args[0]);
    CommandLine cl = new CommandLine(model(argv, one ? args[0] : null));
    cl.registerConverter(Path.class, Paths::get);
    cl.setParameterExceptionHandler(BatchPushCli::badInput);
    cl.setExecutionExceptionHandler((e, line, parsed) -> {
      // A bug of ours, not the user's: still one line, never a stack trace.
      line.getErr().println("batchpush: internal error: " + Console.describe(e));
      return USAGE;
    });
    // An argument such as @list is COMMAND's (or a job name), never a file of more arguments for picocli to read.
    cl.setExpandAtFiles(false);
    if (one && args[0].equals("run")) {
      // `batchpush run --job x sh -c '...'` works without `--`: everything from COMMAND on belongs to COMMAND.
      cl.getSubcommands().get("run").setStopAtPositional(true);
    }
    if (argv.asksForHelp()) {
      // picocli's help command: annotated, so only when help is what was asked for.
      cl.addSubcommand("help", new HelpCommand());
    }
    return cl;
  }

  /**
   * The model of batchpush: its commands, with their options, descriptions and exit codes, from which picocli parses,
   * prints {@code --help} and, at build time, writes the man pages and the bash completion ({@link Documentation}).
   * With {@code only}, just that command.
   */
  static CommandSpec model(Argv argv, String only) {
    CommandSpec root = new BatchPushCli().spec;
    for (String name : COMMANDS) {
      if (only == null || only.equals(name)) {
        root.addSubcommand(name, command(name, argv));
      }
    }
    return root;
  }

  private static CommandSpec command(String name, Argv argv) {
    switch (name) {
      case "run":
        return new RunCommand(argv).spec;
      case "register":
        return new RegisterCommand().spec;
      case "check":
        return new CheckCommand().spec;
      case "delete":
        return new DeleteCommand().spec;
      case "flush":
        return new FlushCommand().spec;
      default:
        return new GcCommand().spec;
    }
  }

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    err.println("batchpush: which command? (" + String.join(", ", COMMANDS) + " or help; see 'batchpush --help')");
    return USAGE;
  }

  private static int badInput(CommandLine.ParameterException e, String[] args) {
    CommandLine cl = e.getCommandLine();
    String name = cl.getCommandSpec().qualifiedName();
    cl.getErr().println("batchpush: " + Console.oneLine(e.getMessage()) + " (see '" + name + " --help')");
    return USAGE;
  }
}
