package io.github.batchpush.cli;

import io.github.batchpush.Setting;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import sun.misc.Signal;

/**
 * Runs COMMAND the way coreutils' {@code timeout} would: inherited stdin/stdout/stderr, signals to batchpush passed
 * on to COMMAND's process tree, TERM then KILL when it runs too long. It tells what happened as an {@link Outcome};
 * pushing is the caller's business.
 */
final class Supervisor {
  /** Handled so that batchpush outlives COMMAND long enough to push its failed run. */
  private static final List<String> FORWARDED = List.of("TERM", "INT", "HUP");
  private static final Map<String, Integer> NUMBERS = Map.of("HUP", 1, "INT", 2, "TERM", 15);
  private static final Pattern ERRNO = Pattern.compile("error=(\\d+), (.*)");
  private static final long POLL_MILLIS = 20;
  /** Where {@link #stat} puts the fields of {@code /proc/<pid>/stat} that tell a terminal's foreground group. */
  private static final int PGRP = 2;
  private static final int TTY_NR = 4;
  private static final int TPGID = 5;

  private final List<String> command;
  private final Duration timeout;
  private final Duration killAfter;
  private final Console console;
  private final Object lock = new Object();
  private Process process;
  private String signal;

  Supervisor(List<String> command, Duration timeout, Duration killAfter, Console console) {
    this.command = List.copyOf(command);
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

  /** Runs COMMAND to its end and tells how it went. */
  Outcome run() {
    synchronized (lock) {
      if (signal != null) {
        console.info("received SIG" + signal + " before COMMAND started; not starting it");
        int code = 128 + NUMBERS.get(signal);
        return new Outcome(code, code);
      }
      try {
        process = processBuilder().start();
      } catch (IOException e) {
        return cannotStart(e);
      }
    }
    try {
      return await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      killTree(tree());
      return new Outcome(BatchPushCli.USAGE, BatchPushCli.USAGE);
    }
  }

  private ProcessBuilder processBuilder() {
    return withoutSecrets(new ProcessBuilder(command).inheritIO());
  }

  /** A backup script, or the shell that sends it a signal, has no business seeing the gateway's credentials. */
  private static ProcessBuilder withoutSecrets(ProcessBuilder pb) {
    for (Setting setting : Setting.values()) {
      if (setting.isSecret()) {
        pb.environment().remove(setting.environmentVariable());
      }
    }
    return pb;
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
    console.error("COMMAND ran longer than --timeout " + describe(timeout) + "; sending TERM");
    Set<ProcessHandle> tree = tree();
    tree.forEach(ProcessHandle::destroy);
    if (!awaitAll(tree, System.nanoTime() + killAfter.toNanos())) {
      tree.addAll(tree());
      console.error("COMMAND still running " + describe(killAfter) + " after TERM; sending KILL");
      killTree(tree);
      awaitAll(tree, System.nanoTime() + TimeUnit.SECONDS.toNanos(5));
    }
    process.waitFor(10, TimeUnit.SECONDS);
    return new Outcome(BatchPushCli.TIMED_OUT, BatchPushCli.TIMED_OUT);
  }

  /** Waits until every process of the tree has exited, or the deadline has passed. */
  private static boolean awaitAll(Set<ProcessHandle> tree, long deadlineNanos) throws InterruptedException {
    while (System.nanoTime() < deadlineNanos) {
      if (tree.stream().noneMatch(ProcessHandle::isAlive)) {
        return true;
      }
      Thread.sleep(POLL_MILLIS);
    }
    return tree.stream().noneMatch(ProcessHandle::isAlive);
  }

  private static void killTree(Set<ProcessHandle> tree) {
    tree.forEach(ProcessHandle::destroyForcibly);
  }

  /** COMMAND and what it started, taken before anything dies: an orphan is no longer a descendant. */
  private Set<ProcessHandle> tree() {
    Set<ProcessHandle> tree = new LinkedHashSet<>();
    if (process != null) {
      tree.add(process.toHandle());
      process.descendants().forEach(tree::add);
    }
    return tree;
  }

  private void onSignal(Signal received) {
    Set<ProcessHandle> tree;
    synchronized (lock) {
      if (process != null && !process.isAlive()) {
        return; // COMMAND has finished on its own; the run is being pushed as it ended
      }
      signal = received.getName();
      if (process == null) {
        return; // COMMAND will not be started
      }
      tree = tree();
    }
    if (received.getName().equals("INT")) {
      Set<ProcessHandle> unsignalled = notInTheForegroundOfTheTerminal(tree);
      if (unsignalled.isEmpty()) {
        console.info("received SIGINT from the terminal, which has sent it to COMMAND too");
        return;
      }
      tree = unsignalled;
    }
    console.info("received SIG" + received.getName() + "; passing it on to COMMAND");
    forward(received.getName(), tree);
  }

  /**
   * Ctrl-C makes the terminal send INT to its whole foreground process group, COMMAND included; passed on again it
   * would be a second Ctrl-C, which many programs take as "abort now, skip the cleanup". So INT skips the processes
   * the terminal has reached. The price: a {@code kill -INT} by hand to batchpush in a terminal's foreground is not
   * passed on either (TERM is, and never comes from a terminal). Whenever /proc cannot tell (not Linux, no
   * terminal, a process gone meanwhile), the signal is forwarded: one signal too many beats one lost.
   */
  static Set<ProcessHandle> notInTheForegroundOfTheTerminal(Set<ProcessHandle> tree) {
    long[] self = stat("self");
    if (self == null || self[TTY_NR] == 0 || self[TPGID] <= 0) {
      return tree;
    }
    Set<ProcessHandle> rest = new LinkedHashSet<>();
    for (ProcessHandle p : tree) {
      long[] stat = stat(Long.toString(p.pid()));
      if (stat == null || stat[PGRP] != self[TPGID]) {
        rest.add(p);
      }
    }
    return rest;
  }

  /**
   * The numbers of {@code /proc/<pid>/stat} from ppid to tpgid, indexed from the state field after the command
   * name (which may itself hold spaces and parentheses); null when it cannot be read.
   */
  static long[] stat(String pid) {
    try {
      String stat = Files.readString(Path.of("/proc", pid, "stat"), StandardCharsets.ISO_8859_1); // any bytes in a name
      String[] fields = stat.substring(stat.lastIndexOf(')') + 1).trim().split("\\s+");
      long[] numbers = new long[TPGID + 1];
      for (int i = 1; i <= TPGID; i++) {
        numbers[i] = Long.parseLong(fields[i]);
      }
      return numbers;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** Java can only send TERM and KILL itself; the other signals go through the shell's kill builtin. */
  private static void forward(String name, Set<ProcessHandle> tree) {
    if (name.equals("TERM")) {
      tree.forEach(ProcessHandle::destroy);
      return;
    }
    List<String> kill = new ArrayList<>(List.of("sh", "-c", "kill -s \"$0\" \"$@\"", name));
    tree.forEach(p -> kill.add(Long.toString(p.pid())));
    try {
      withoutSecrets(new ProcessBuilder(kill)).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start().waitFor(5, TimeUnit.SECONDS);
    } catch (IOException e) {
      tree.forEach(ProcessHandle::destroy);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private Outcome cannotStart(IOException e) {
    Matcher m = ERRNO.matcher(String.valueOf(e.getMessage()));
    int errno = m.find() ? Integer.parseInt(m.group(1)) : -1;
    String reason = errno > 0 ? m.group(2) : String.valueOf(e.getMessage());
    // ENOENT: not found; EACCES, ENOEXEC, EISDIR and the rest: found but not executable (as sh and env do).
    int code = errno == 2 ? BatchPushCli.NOT_FOUND : BatchPushCli.NOT_EXECUTABLE;
    console.error("cannot run '" + command.get(0) + "': " + reason);
    return new Outcome(code, code);
  }

  static String describe(Duration d) {
    return d.toString().substring(2).toLowerCase(Locale.ROOT);
  }
}
