package io.github.batchpush.cli;

import static io.github.batchpush.cli.Launch.batchpush;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Help, version and usage errors through the packaged launcher. */
class CommandLineIT {
  @Test
  void versionNamesBatchpushAndJava() {
    Launch.Result r = batchpush("--version").run();

    assertThat(r.exitCode()).isZero();
    assertThat(r.stdout()).startsWith("batchpush 0.1.0-SNAPSHOT\nJava 1");
  }

  @Test
  void everyCommandHasHelpAndVersion() {
    for (String command : new String[] {"run", "delete", "flush", "gc"}) {
      assertThat(batchpush(command, "--help").run().stdout()).as(command).contains("Usage: batchpush " + command);
      assertThat(batchpush(command, "--version").run().stdout()).as(command).startsWith("batchpush 0.1.0");
    }
  }

  @Test
  void runHelpShowsTheDelimiterTheEnvironmentVariablesAndTheExitCodes() {
    Launch.Result r = batchpush("run", "--help").run();

    assertThat(r.exitCode()).isZero();
    assertThat(r.stdout())
        .containsPattern("\\[--] COMMAND\\s+\\[ARGS\\.\\.\\.]") // the synopsis may wrap between the two
        .contains("BATCHPUSH_GATEWAY", "BATCHPUSH_USERNAME", "BATCHPUSH_PASSWORD", "BATCHPUSH_BEARER_TOKEN",
            "BATCHPUSH_SPOOL_DIR", "BATCHPUSH_TEXTFILE_DIR", "BATCHPUSH_DEADLINE", "BATCHPUSH_LOCK_DIR")
        .contains("Exit codes:")
        .containsPattern("124 +COMMAND ran longer than --timeout and was stopped.")
        .containsPattern("125 +batchpush could not start the run")
        .containsPattern("126 +COMMAND was found but is not executable.")
        .containsPattern("127 +COMMAND was not found.")
        .containsPattern("128\\+N +COMMAND was killed by signal N")
        .containsPattern("193 +--lock: the previous run still held the lock after --lock-wait;");
  }

  @Test
  void aMissingJobExits125WithOneLineNamingTheOption() {
    Launch.Result r = batchpush("run", "--", "true").run();

    assertThat(r.exitCode()).isEqualTo(125);
    assertThat(r.stderr()).isEqualTo(
        "batchpush: Missing required option: '--job=NAME' (see 'batchpush run --help')\n");
  }

  @Test
  void aBadDurationExits125WithCoresMessage() {
    Launch.Result r = batchpush("run", "--job", "x", "--timeout", "soon", "--", "true").run();

    assertThat(r.exitCode()).isEqualTo(125);
    assertThat(r.stderr()).isEqualTo("batchpush: Invalid value for option '--timeout': Invalid duration: 'soon' "
        + "(use a whole number with ms, s, m, h or d such as 90s, 5m, 26h, 1d, or ISO-8601 such as PT90S) "
        + "(see 'batchpush run --help')\n");
  }

  @Test
  void aUsernameWithoutAPasswordExits125NamingBothWaysToGiveOne() {
    Launch.Result r = batchpush("run", "--job", "x", "--", "true").env("BATCHPUSH_USERNAME", "ops").run();

    assertThat(r.exitCode()).isEqualTo(125);
    assertThat(r.stderr()).isEqualTo(
        "batchpush: BATCHPUSH_USERNAME needs a password: set --password-file or BATCHPUSH_PASSWORD\n");
  }

  @Test
  void aPasswordFileWithoutAUsernameExits125() {
    Launch.Result r = batchpush("run", "--job", "x", "--password-file", "/etc/hostname", "--", "true").run();

    assertThat(r.exitCode()).isEqualTo(125);
    assertThat(r.stderr()).isEqualTo(
        "batchpush: --password-file needs a user: set --username\n");
  }

  @Test
  void anUnknownOptionExits125WithOneLine() {
    Launch.Result r = batchpush("run", "--job", "x", "--colour", "--", "true").run();

    assertThat(r.exitCode()).isEqualTo(125);
    assertThat(r.stderr()).isEqualTo("batchpush: Unknown option: '--colour' (see 'batchpush run --help')\n");
  }

  @Test
  void helpShowsTheUsageOfBatchpushOrOfTheCommandItNames() {
    Launch.Result all = batchpush("help").run();
    Launch.Result run = batchpush("help", "run").run();

    assertThat(all.exitCode()).isZero();
    assertThat(all.stdout()).startsWith("Usage: batchpush [-hV] [COMMAND]").contains("run", "delete", "flush", "gc");
    assertThat(run.exitCode()).isZero();
    assertThat(run.stdout()).isEqualTo(batchpush("run", "--help").run().stdout());
  }

  @Test
  void noCommandAtAllExits125() {
    Launch.Result r = batchpush().run();

    assertThat(r.exitCode()).isEqualTo(125);
    assertThat(r.stderr())
        .isEqualTo("batchpush: which command? (run, register, check, delete, flush, gc or help; see 'batchpush --help')\n");
  }
}
