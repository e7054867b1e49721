package io.github.batchpush.cli;

import static io.github.batchpush.cli.RunIT.awaitFile;
import static io.github.batchpush.cli.RunIT.signal;
import static java.util.stream.Collectors.joining;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.batchpush.testing.Pushgateway;
import io.github.batchpush.testing.RealPushgateway;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How often INT reaches COMMAND. Ctrl-C in a terminal signals the whole foreground process group, batchpush and
 * COMMAND alike; a second INT passed on by batchpush would be a second Ctrl-C, which many programs take as "abort
 * now, skip the cleanup". Ctrl-\ (QUIT) likewise reaches COMMAND once, and never makes the JVM print a thread dump
 * on the terminal. The terminal is a real pseudo-terminal made by util-linux {@code script}, and Ctrl-C is
 * the byte 0x03 typed into it, turned into SIGINT by the kernel's line discipline.
 */
class TerminalSignalIT {
  private static final Path SCRIPT = Path.of("/usr/bin/script");
  private static final int CTRL_C = 0x03;
  private static final int CTRL_BACKSLASH = 0x1c;
  @RealPushgateway
  static Pushgateway gateway;

  @TempDir
  Path dir;

  @BeforeAll
  static void requireScript() {
    assertThat(SCRIPT).as("util-linux script, which makes the pseudo-terminal").isExecutable();
  }

  @Test
  void ctrlCReachesTheCommandOnceAndTheRunIsPushedAsFailed() throws Exception {
    Path ints = dir.resolve("ints");
    Path ready = dir.resolve("ready");
    Terminal terminal = inTerminal("tty_int_job", countingInts(ints, ready));
    awaitFile(ready);

    terminal.type(CTRL_C);
    Terminal.Result r = terminal.await();

    assertThat(r.exitCode()).as(r.output()).isEqualTo(130);
    assertThat(Files.readAllLines(ints)).as("the INTs COMMAND received").hasSize(1);
    assertThat(r.output())
        .contains("batchpush: received SIGINT from the terminal, which has sent it to COMMAND too")
        .doesNotContain("passing it on");
    assertThat(gateway.value("tty_int_job", Map.of(), "batch_job_exit_code")).isEqualTo(130.0);
  }

  @Test
  void ctrlBackslashReachesTheCommandOnceAndPrintsNoThreadDump() throws Exception {
    Path quits = dir.resolve("quits");
    Path ready = dir.resolve("ready");
    Terminal terminal = inTerminal("tty_quit_job", List.of("sh", "-c", "trap 'echo QUIT >> " + quote(quits.toString())
        + "; got=1' QUIT; got=0; touch " + quote(ready.toString()) + "; i=0; while [ $got = 0 ] && [ $i -lt 300 ]; "
        + "do sleep 0.1; i=$((i+1)); done; sleep 1; echo cleaned up; exit 4"));
    awaitFile(ready);

    terminal.type(CTRL_BACKSLASH);
    Terminal.Result r = terminal.await();

    assertThat(r.exitCode()).as(r.output()).isEqualTo(4);
    assertThat(Files.readAllLines(quits)).as("the QUITs COMMAND received").hasSize(1);
    // The terminal echoes the key as ^\ (ECHOCTL) and COMMAND's sh reports the sleep that QUIT ended, unless the key
    // came between two sleeps (a race of the test's loop, seen in CI); nothing else may show, the JVM's thread dump
    // least of all.
    assertThat(r.output()).matches("\\^\\\\(Quit\r\n)?cleaned up\r\n");
    assertThat(gateway.value("tty_quit_job", Map.of(), "batch_job_exit_code")).isEqualTo(4.0);
  }

  @Test
  void ctrlCIsPassedOnToACommandInASessionOfItsOwnWhichTheTerminalDoesNotReach() throws Exception {
    Path ints = dir.resolve("ints");
    Path ready = dir.resolve("ready");
    List<String> command = new ArrayList<>(List.of("setsid"));
    command.addAll(countingInts(ints, ready));
    Terminal terminal = inTerminal("tty_setsid_job", command);
    awaitFile(ready);

    terminal.type(CTRL_C);
    Terminal.Result r = terminal.await();

    assertThat(r.exitCode()).as(r.output()).isEqualTo(130);
    assertThat(Files.readAllLines(ints)).as("the INTs COMMAND received").hasSize(1);
    assertThat(r.output()).contains("batchpush: received SIGINT; passing it on to COMMAND");
    assertThat(gateway.value("tty_setsid_job", Map.of(), "batch_job_exit_code")).isEqualTo(130.0);
  }

  @Test
  void killIntWithoutATerminalReachesTheCommandExactlyOnce() throws Exception {
    Path ints = dir.resolve("ints");
    Path ready = dir.resolve("ready");
    Launch.Running running = Launch.batchpush(runArgs("notty_int_job", countingInts(ints, ready)))
        .env("BATCHPUSH_GATEWAY", gateway.uri().toString()).env("BATCHPUSH_SPOOL_DIR", dir.resolve("spool").toString())
        .withoutTerminal().start();
    awaitFile(ready);

    signal("INT", running.process.pid());
    Launch.Result r = running.await();

    assertThat(r.exitCode()).isEqualTo(130);
    assertThat(Files.readAllLines(ints)).as("the INTs COMMAND received").hasSize(1);
    assertThat(r.stderr()).isEqualTo("batchpush: received SIGINT; passing it on to COMMAND\n");
    assertThat(gateway.value("notty_int_job", Map.of(), "batch_job_exit_code")).isEqualTo(130.0);
  }

  /**
   * A COMMAND that writes a line to {@code ints} for every INT it gets, and exits 130 two seconds after the first:
   * time enough for a second one to show.
   */
  private static List<String> countingInts(Path ints, Path ready) {
    return List.of("sh", "-c", "trap 'echo INT >> " + quote(ints.toString()) + "; got=1' INT; got=0; touch "
        + quote(ready.toString()) + "; i=0; while [ $got = 0 ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done; "
        + "i=0; while [ $i -lt 20 ]; do sleep 0.1; i=$((i+1)); done; exit 130");
  }

  private static String[] runArgs(String job, List<String> command) {
    List<String> args = new ArrayList<>(List.of("run", "--job", job, "--"));
    args.addAll(command);
    return args.toArray(new String[0]);
  }

  /** batchpush in the foreground of a new pseudo-terminal, as it is when run by hand. */
  private Terminal inTerminal(String job, List<String> command) throws IOException {
    List<String> line = new ArrayList<>(List.of(Launch.LAUNCHER.toString()));
    line.addAll(List.of(runArgs(job, command)));
    // -q: no banner, -e: script exits as batchpush does, -f: no buffering, /dev/null: no typescript file.
    // exec: batchpush itself leads the terminal's session, as under an interactive shell (which ignores QUIT); a
    // non-interactive sh in between would die of Ctrl-\ and hang the terminal up.
    ProcessBuilder pb = new ProcessBuilder(SCRIPT.toString(), "-qefc",
        "exec " + line.stream().map(TerminalSignalIT::quote).collect(joining(" ")), "/dev/null")
        .redirectErrorStream(true);
    pb.environment().keySet().removeIf(k -> k.startsWith("BATCHPUSH_"));
    pb.environment().put("BATCHPUSH_CDS", "off");
    pb.environment().put("BATCHPUSH_GATEWAY", gateway.uri().toString());
    pb.environment().put("BATCHPUSH_SPOOL_DIR", dir.resolve("spool").toString());
    pb.environment().put("SHELL", "/bin/sh"); // script runs the line with $SHELL -c
    return new Terminal(pb.start());
  }

  private static String quote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }

  /** script and the terminal it made: what is written to its stdin is typed into the terminal. */
  private static final class Terminal {
    private final Process script;
    private final OutputStream keyboard;
    private final CompletableFuture<byte[]> screen;

    Terminal(Process script) {
      this.script = script;
      this.keyboard = script.getOutputStream();
      this.screen = CompletableFuture.supplyAsync(() -> {
        try {
          return script.getInputStream().readAllBytes();
        } catch (IOException e) {
          return new byte[0];
        }
      });
    }

    void type(int key) throws IOException {
      keyboard.write(key);
      keyboard.flush();
    }

    /** Waits for batchpush to end; stdin stays open until then, as script would take its end for Ctrl-D. */
    Result await() throws Exception {
      try {
        if (!script.waitFor(60, TimeUnit.SECONDS)) {
          script.descendants().forEach(ProcessHandle::destroyForcibly);
          script.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
          throw new AssertionError("batchpush still running in the terminal after 60 s; killed it");
        }
      } finally {
        keyboard.close();
      }
      return new Result(script.exitValue(), new String(screen.get(10, TimeUnit.SECONDS), StandardCharsets.UTF_8));
    }

    /** The exit code, and everything the terminal showed (batchpush's stderr included, with \r\n line ends). */
    record Result(int exitCode, String output) {
    }
  }
}
