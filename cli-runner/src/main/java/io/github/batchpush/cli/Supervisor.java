package io.github.batchpush.cli;

import static io.github.batchpush.cli.DurationConverter.describe;

import java.io.IOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import sun.misc.Signal;

/**
 * Runs COMMAND the way coreutils' {@code timeout} would: inherited stdin/stdout/stderr, signals to batchpush passed
 * on to COMMAND's process tree, TERM then KILL when it runs too long. It tells what happened as an {@link Outcome};
 * pushing is the caller's business. A TERM, INT or HUP that comes while COMMAND is not running (before it started,
 * or while its run is being delivered) ends batchpush within {@link #STOP_GRACE}, whatever it is waiting for.
 *
 * <p>SIGQUIT is not batchpush's to handle: the JVM keeps it for itself (Java code may not take it over without giving
 * up TERM, INT and HUP too), and the launcher discards the thread dump it would print on COMMAND's stdout. So a
 * {@code kill -QUIT} of batchpush is ignored; Ctrl-\ in a terminal reaches COMMAND directly, as Ctrl-C does.
 */
final class Supervisor {
  /** Handled so that batchpush outlives COMMAND long enough to push its failed run. */
  private static final List<String> FORWARDED = List.of("TERM", "INT", "HUP");
  private static final Map<String, Integer> NUMBERS = Map.of("HUP", 1, "INT", 2, "TERM", 15);
  private static final Pattern ERRNO = Pattern.compile("error=(\\d+), (.*)");
  /** How long batchpush goes on once told to stop while COMMAND is not running: prompt, yet time for a push. */
  static final Duration STOP_GRACE = Duration.ofSeconds(2);

  private final CommandArgv command;
  private final String job;
  private final Duration timeout;
  private final Duration killAfter;
  private final Console console;
  private final Object lock = new Object();
  private Process process;
  private String signal;
  /** What a delivery cut short by {@link #STOP_GRACE} becomes, for the message; set once the run is configured. */
  private volatile String cutShortRun = "it may be lost";
  private volatile Outcome outcome;
  private boolean stopping;
  private final Set<String> announced = new HashSet<>();

  Supervisor(CommandArgv command, String job, Duration timeout, Duration killAfter, Console console) {
    this.command = command;
    this.job = job;
    this.timeout = timeout;
    this.killAfter = killAfter;
    this.console = console;
  }

  /** What became of COMMAND: the exit code batchpush exits with, and the one the run is recorded with. */
  static final class Outcome {
    final int exitCode;
    final int recordedCode;

    Outcome(int exitCode, int recordedCode) {
      this.exitCode = exitCode;
      this.recordedCode = recordedCode;
    }
  }

  /**
   * Handles TERM, INT and HUP from now on instead of letting them end the JVM: before COMMAND starts they cancel it,
   * afterwards they go on to COMMAND. Called before anything that takes time (a push at start), so that no signal
   * ends batchpush without a push.
   */
  Supervisor handleSignals() {
    for (String name : FORWARDED) {
      try {
        Signal.handle(new Signal(name), this::onSignal);
      } catch (IllegalArgumentException ignoredBecauseAlreadyIgnored) {
        // e.g. HUP under nohup: the JVM leaves an ignored signal ignored, and so does COMMAND, which inherits that.
      }
    }
    return this;
  }

  /** Says what becomes of a run whose delivery a signal cuts short (spooled, or lost without a spool). */
  void ifCutShort(String whatBecomesOfTheRun) {
    this.cutShortRun = whatBecomesOfTheRun;
  }

  /** Whether TERM, INT or HUP has come; before COMMAND starts, that means it will not be started. */
  boolean toldToStop() {
    synchronized (lock) {
      return signal != null;
    }
  }

  /** Runs COMMAND to its end and tells how it went. */
  Outcome run() {
    outcome = supervise();
    return outcome;
  }

  private Outcome supervise() {
    synchronized (lock) {
      if (signal != null) {
        // said when it came (see stopSoon)
        int code = 128 + NUMBERS.get(signal);
        return new Outcome(code, code);
      }
      try {
        process = command.processBuilder().inheritIO().start();
      } catch (IOException e) {
        return cannotStart(e);
      } catch (RuntimeException | Error e) {
        console.error("cannot run '" + command.name() + "': " + Console.describe(e));
        return new Outcome(BatchPushCli.USAGE, BatchPushCli.USAGE);
      }
    }
    try {
      return await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      ProcessTree.kill(tree());
      return new Outcome(BatchPushCli.USAGE, BatchPushCli.USAGE);
    }
  }

  private Outcome await() throws InterruptedException {
    if (timeout == null || process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
      int code = process.waitFor();
      String received;
      synchronized (lock) {
        received = signal;
      }
      if (received != null && code == 0) {
        // COMMAND took the signal and still exited 0: batchpush exits as COMMAND did, but the run was cut short.
        return new Outcome(0, 128 + NUMBERS.get(received));
      }
      return new Outcome(code, code);
    }
    console.error("'" + command.name() + "' ran longer than --timeout " + describe(timeout) + "; sending TERM");
    Set<ProcessHandle> tree = tree();
    tree.forEach(ProcessHandle::destroy);
    if (!ProcessTree.awaitAll(tree, System.nanoTime() + killAfter.toNanos())) {
      tree.addAll(tree());
      console.error("'" + command.name() + "' still running " + describe(killAfter) + " after TERM; sending KILL");
      ProcessTree.kill(tree);
      ProcessTree.awaitAll(tree, System.nanoTime() + TimeUnit.SECONDS.toNanos(5));
    }
    process.waitFor(10, TimeUnit.SECONDS);
    return new Outcome(BatchPushCli.TIMED_OUT, BatchPushCli.TIMED_OUT);
  }

  /** COMMAND and what it started, taken before anything dies: an orphan is no longer a descendant. */
  private Set<ProcessHandle> tree() {
    return process == null ? new LinkedHashSet<>() : ProcessTree.of(process);
  }

  private void onSignal(Signal received) {
    try {
      handle(received.getName());
    } catch (RuntimeException | Error e) {
      // A handler's exception would be printed with its stack trace on COMMAND's stderr.
      console.error("handling SIG" + received.getName() + " failed: " + Console.describe(e));
    }
  }

  private void handle(String name) {
    Set<ProcessHandle> tree;
    synchronized (lock) {
      if (outcome != null || process != null && !process.isAlive()) {
        stopSoon(name, "received SIG" + name + " after '" + command.name() + "' ended; exiting within "
            + describe(STOP_GRACE) + " with its code");
        return; // COMMAND has finished on its own; the run is being pushed as it ended
      }
      signal = name;
      if (process == null) {
        stopSoon(name, "received SIG" + name + " before '" + command.name() + "' started; not starting it");
        return; // COMMAND will not be started
      }
      tree = tree();
    }
    if (name.equals("INT")) {
      Set<ProcessHandle> unsignalled = ProcessTree.notInTheForegroundOfTheTerminal(tree);
      if (unsignalled.isEmpty()) {
        announce(name, "received SIGINT from the terminal, which has sent it to COMMAND too");
        return;
      }
      tree = unsignalled;
    }
    announce(name, "received SIG" + name + "; passing it on to COMMAND");
    ProcessTree.signal(name, tree);
  }

  /** Says it once per signal: a supervisor sending TERM every second must not fill cron's mail. */
  private void announce(String name, String message) {
    synchronized (lock) {
      if (!announced.add(name)) {
        return;
      }
    }
    console.info(message);
  }

  /**
   * Told to stop while COMMAND is not running: whatever batchpush is waiting for (a push, a gateway that does not
   * answer, a file), it exits within {@link #STOP_GRACE}, with COMMAND's code when COMMAND ran, else 128+N. A
   * delivery cut short is one a process killed mid-push would leave: the spool's next delivery finds the run.
   */
  private void stopSoon(String name, String message) {
    if (stopping) {
      return;
    }
    stopping = true;
    console.info(message);
    Thread stop = new Thread(() -> {
      try {
        Thread.sleep(STOP_GRACE.toMillis());
      } catch (InterruptedException e) {
        return;
      }
      int code = exitCodeSoFar(name);
      console.error("still delivering the run of " + job + " " + describe(STOP_GRACE) + " after SIG" + name
          + "; exiting with " + code + " (" + cutShortRun + ")");
      Runtime.getRuntime().halt(code);
    }, "batchpush-stop");
    stop.setDaemon(true);
    stop.start();
  }

  private int exitCodeSoFar(String name) {
    Outcome known = outcome;
    if (known != null) {
      return known.exitCode;
    }
    synchronized (lock) {
      return process != null && !process.isAlive() ? process.exitValue() : 128 + NUMBERS.get(name);
    }
  }

  private Outcome cannotStart(IOException e) {
    Matcher m = ERRNO.matcher(String.valueOf(e.getMessage()));
    int errno = m.find() ? Integer.parseInt(m.group(1)) : -1;
    String reason = errno > 0 ? m.group(2) : String.valueOf(e.getMessage());
    // ENOENT: not found; EACCES, ENOEXEC, EISDIR and the rest: found but not executable (as sh and env do).
    int code = errno == 2 ? BatchPushCli.NOT_FOUND : BatchPushCli.NOT_EXECUTABLE;
    console.error("cannot run '" + command.name() + "': " + reason);
    return new Outcome(code, code);
  }
}
