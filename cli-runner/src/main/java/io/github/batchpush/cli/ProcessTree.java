package io.github.batchpush.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * COMMAND's process tree, as the supervisor signals, waits for and kills it.
 *
 * <pre>{@code
 * Set<ProcessHandle> tree = ProcessTree.of(process);
 * ProcessTree.signal("HUP", tree);
 * }</pre>
 */
final class ProcessTree {
  private static final long POLL_MILLIS = 20;
  /** Where {@link #stat} puts the fields of {@code /proc/<pid>/stat} that tell a terminal's foreground group. */
  private static final int PGRP = 2;
  private static final int TTY_NR = 4;
  private static final int TPGID = 5;

  private ProcessTree() {}

  /** The process and what it started, taken before anything dies: an orphan is no longer a descendant. */
  static Set<ProcessHandle> of(Process process) {
    Set<ProcessHandle> tree = new LinkedHashSet<>();
    tree.add(process.toHandle());
    process.descendants().forEach(tree::add);
    return tree;
  }

  /** Waits until every process of the tree has exited, or the deadline has passed. */
  static boolean awaitAll(Set<ProcessHandle> tree, long deadlineNanos) throws InterruptedException {
    while (System.nanoTime() < deadlineNanos) {
      if (tree.stream().noneMatch(ProcessHandle::isAlive)) {
        return true;
      }
      Thread.sleep(POLL_MILLIS);
    }
    return tree.stream().noneMatch(ProcessHandle::isAlive);
  }

  static void kill(Set<ProcessHandle> tree) {
    tree.forEach(ProcessHandle::destroyForcibly);
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
  static void signal(String name, Set<ProcessHandle> tree) {
    if (name.equals("TERM")) {
      tree.forEach(ProcessHandle::destroy);
      return;
    }
    List<String> kill = new ArrayList<>(List.of("sh", "-c", "kill -s \"$0\" \"$@\"", name));
    tree.forEach(p -> kill.add(Long.toString(p.pid())));
    try {
      ProcessBuilder pb = new ProcessBuilder(kill);
      CommandArgv.secretVariables().forEach(pb.environment()::remove);
      pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(5, TimeUnit.SECONDS);
    } catch (IOException e) {
      tree.forEach(ProcessHandle::destroy);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
