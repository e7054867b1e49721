package io.github.batchpush.cli;

import static io.github.batchpush.cli.Launch.batchpush;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.batchpush.testing.Pushgateway;
import io.github.batchpush.testing.RealPushgateway;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code batchpush run} through the packaged launcher: real child processes, real signals, a real Pushgateway. */
class RunIT {
  @RealPushgateway
  static Pushgateway gateway;

  @TempDir
  Path dir;

  private Launch run(String job, String... command) {
    String[] args = new String[command.length + 4];
    args[0] = "run";
    args[1] = "--job";
    args[2] = job;
    args[3] = "--";
    System.arraycopy(command, 0, args, 4, command.length);
    return batchpush(args).env("BATCHPUSH_GATEWAY", gateway.uri().toString())
        .env("BATCHPUSH_SPOOL_DIR", dir.resolve("spool").toString());
  }

  private static Double exitCodeOf(String job) {
    return gateway.value(job, Map.of(), "batch_job_exit_code");
  }

  @Test
  void aSucceedingCommandExitsZeroSilentlyAndPushesItsSuccess() {
    Launch.Result r = run("ok_job", "true").run();

    assertThat(r.exitCode()).isZero();
    assertThat(r.stderr()).isEmpty();
    assertThat(r.stdout()).isEmpty();
    Map<String, Double> group = gateway.group("ok_job", Map.of());
    assertThat(group.get("batch_job_exit_code")).isEqualTo(0.0);
    assertThat(group).containsKey("batch_job_last_success_timestamp_seconds")
        .containsKey("batch_job_duration_seconds").containsKey("batch_job_last_completion_timestamp_seconds");
  }

  @Test
  void aFailingCommandsExitCodeIsPassedOnAndPushed() {
    Launch.Result r = run("exit3_job", "sh", "-c", "exit 3").run();

    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(exitCodeOf("exit3_job")).isEqualTo(3.0);
    assertThat(gateway.value("exit3_job", Map.of(), "batch_job_last_success_timestamp_seconds")).isNull();
  }

  @Test
  void aCommandKilledBySignalNineExits137() {
    Launch.Result r = run("killed_job", "sh", "-c", "kill -KILL $$").run();

    assertThat(r.exitCode()).isEqualTo(137);
    assertThat(exitCodeOf("killed_job")).isEqualTo(137.0);
  }

  @Test
  void aMissingCommandExits127AndIsRecordedAsFailed() {
    Launch.Result r = run("missing_job", "no-such-command-batchpush-test").run();

    assertThat(r.exitCode()).isEqualTo(127);
    assertThat(r.stderr()).isEqualTo(
        "batchpush: cannot run 'no-such-command-batchpush-test': No such file or directory\n");
    assertThat(exitCodeOf("missing_job")).isEqualTo(127.0);
  }

  @Test
  void aCommandThatIsNotExecutableExits126AndIsRecordedAsFailed() throws IOException {
    Path script = Files.writeString(dir.resolve("not-executable.sh"), "#!/bin/sh\nexit 0\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rw-r--r--"));

    Launch.Result r = run("noexec_job", script.toString()).run();

    assertThat(r.exitCode()).isEqualTo(126);
    assertThat(r.stderr()).isEqualTo("batchpush: cannot run '" + script + "': Permission denied\n");
    assertThat(exitCodeOf("noexec_job")).isEqualTo(126.0);
  }

  @Test
  void aBadLabelExits125WithOneLineAndDoesNotRunTheCommand() {
    Path marker = dir.resolve("ran");

    Launch.Result r = batchpush("run", "--job", "bad_label_job", "--label", "bad-name=x", "--",
        "touch", marker.toString()).env("BATCHPUSH_GATEWAY", gateway.uri().toString()).run();

    assertThat(r.exitCode()).isEqualTo(125);
    assertThat(r.stderr()).isEqualTo(
        "batchpush: Invalid label name: 'bad-name' (must match [a-zA-Z_][a-zA-Z0-9_]*, e.g. team)\n");
    assertThat(marker).doesNotExist();
    assertThat(gateway.group("bad_label_job", Map.of())).isEmpty();
  }

  @Test
  void labelsFromBatchpushLabelsAreJoinedByLabelOptionsWhichWinForTheSameKey() {
    Launch.Result r = batchpush("run", "--job", "env_labels_job", "--label", "team=ops", "--", "true")
        .env("BATCHPUSH_GATEWAY", gateway.uri().toString()).env("BATCHPUSH_LABELS", "env=prod, team=billing").run();

    assertThat(r.exitCode()).isZero();
    assertThat(r.stderr()).isEmpty();
    assertThat(gateway.value("env_labels_job", Map.of("env", "prod", "team", "ops"), "batch_job_exit_code"))
        .isEqualTo(0.0);
  }

  @Test
  void aBadBatchpushLabelsExits125NamingItAndDoesNotRunTheCommand() {
    Path marker = dir.resolve("ran");

    Launch.Result r = batchpush("run", "--job", "bad_env_label_job", "--", "touch", marker.toString())
        .env("BATCHPUSH_GATEWAY", gateway.uri().toString()).env("BATCHPUSH_LABELS", "env=prod,bad-x").run();

    assertThat(r.exitCode()).isEqualTo(125);
    assertThat(r.stderr()).startsWith("batchpush: Invalid BATCHPUSH_LABELS: ").contains("bad-x").hasLineCount(1);
    assertThat(marker).doesNotExist();
  }

  @Test
  void aBadGatewayUrlExits125AndDoesNotRunTheCommand() {
    Path marker = dir.resolve("ran");

    Launch.Result r = batchpush("run", "--job", "x", "--", "touch", marker.toString())
        .env("BATCHPUSH_GATEWAY", "ftp://gateway:9091").run();

    assertThat(r.exitCode()).isEqualTo(125);
    assertThat(r.stderr()).isEqualTo(
        "batchpush: Invalid BATCHPUSH_GATEWAY: Invalid gateway URL: 'ftp://gateway:9091' (use http:// or https://, "
            + "e.g. http://localhost:9091)\n");
    assertThat(marker).doesNotExist();
  }

  @Test
  void anUnreadablePasswordFileExits125AndDoesNotRunTheCommand() {
    Path marker = dir.resolve("ran");
    Path missing = dir.resolve("no-such-password");

    Launch.Result r = batchpush("run", "--job", "x", "--username", "ops", "--password-file", missing.toString(),
        "--", "touch", marker.toString()).env("BATCHPUSH_GATEWAY", gateway.uri().toString()).run();

    assertThat(r.exitCode()).isEqualTo(125);
    assertThat(r.stderr()).isEqualTo("batchpush: Invalid --password-file: Cannot read the password file '" + missing
        + "': NoSuchFileException (check that it exists and is readable by this user)\n");
    assertThat(marker).doesNotExist();
  }

  @Test
  void aTimeoutTerminatesTheCommandExits124AndIsRecordedAsFailed() {
    long start = System.nanoTime();

    Launch.Result r = batchpush("run", "--job", "timeout_job", "--timeout", "1s", "--", "sleep", "30")
        .env("BATCHPUSH_GATEWAY", gateway.uri().toString()).run();

    assertThat(r.exitCode()).isEqualTo(124);
    assertThat(r.stderr()).isEqualTo("batchpush: 'sleep' ran longer than --timeout 1s; sending TERM\n");
    assertThat(Pushgateway.since(start)).isLessThan(Duration.ofSeconds(20));
    assertThat(exitCodeOf("timeout_job")).isEqualTo(124.0);
  }

  @Test
  void aCommandIgnoringTermIsKilledAfterTheGrace() throws Exception {
    Path ready = dir.resolve("ready");
    Path grandchild = dir.resolve("grandchild.pid");
    long start = System.nanoTime();

    Launch.Result r = batchpush("run", "--job", "stubborn_job", "--timeout", "1s", "--kill-after", "1s", "--",
        "sh", "-c", "trap '' TERM; sleep 60 & echo $! > " + grandchild + "; touch " + ready + "; wait")
        .env("BATCHPUSH_GATEWAY", gateway.uri().toString()).run();

    assertThat(r.exitCode()).isEqualTo(124);
    assertThat(r.stderr()).isEqualTo("batchpush: 'sh' ran longer than --timeout 1s; sending TERM\n"
        + "batchpush: 'sh' still running 1s after TERM; sending KILL\n");
    assertThat(Pushgateway.since(start)).isLessThan(Duration.ofSeconds(20));
    assertThat(exitCodeOf("stubborn_job")).isEqualTo(124.0);
    long pid = Long.parseLong(Files.readString(grandchild).strip());
    assertThat(gone(pid)).as("the sleep COMMAND started is gone").isTrue();
  }

  @Test
  void sigtermReachesACommandThatTrapsItAndTheRunIsPushedAsFailed() throws Exception {
    Path ready = dir.resolve("ready");
    Launch.Running running = run("trap_job", "sh", "-c",
        "trap 'echo cleaned up >&2; exit 7' TERM; touch " + ready + "; while :; do sleep 0.1; done").start();
    awaitFile(ready);

    signal("TERM", running.process.pid());
    Launch.Result r = running.await();

    assertThat(r.exitCode()).isEqualTo(7);
    assertThat(r.stderr()).contains("cleaned up\n")
        .contains("batchpush: received SIGTERM; passing it on to COMMAND\n");
    assertThat(exitCodeOf("trap_job")).isEqualTo(7.0);
  }

  @Test
  void sigtermDuringThePushAtStartCancelsTheCommandAndStillEndsWithExit143() throws Exception {
    Path marker = dir.resolve("ran");
    try (ServerSocket silent = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
      CountDownLatch connected = new CountDownLatch(1);
      Thread acceptor = new Thread(() -> {
        try (Socket s = silent.accept()) {
          connected.countDown();
          Thread.sleep(10_000);
        } catch (Exception e) {
          // closing the server ends the test's gateway that never answers
        }
      });
      acceptor.setDaemon(true);
      acceptor.start();
      Launch.Running running = batchpush("run", "--job", "early_job", "--push-start", "--deadline", "2s",
          "--no-spool", "--gateway", "http://127.0.0.1:" + silent.getLocalPort(), "--", "touch", marker.toString())
          .start();
      assertThat(connected.await(30, TimeUnit.SECONDS)).isTrue();

      signal("TERM", running.process.pid());
      Launch.Result r = running.await();

      assertThat(r.exitCode()).isEqualTo(143);
      assertThat(r.stderr()).contains("batchpush: received SIGTERM before 'touch' started; not starting it\n");
      assertThat(marker).doesNotExist();
    }
  }

  @Test
  void aCommandThatExitsZeroOnSigtermExitsZeroButIsRecordedAsCutShort() throws Exception {
    Path ready = dir.resolve("ready");
    Launch.Running running = run("graceful_job", "sh", "-c",
        "trap 'exit 0' TERM; touch " + ready + "; while :; do sleep 0.1; done").start();
    awaitFile(ready);

    signal("TERM", running.process.pid());
    Launch.Result r = running.await();

    assertThat(r.exitCode()).isZero();
    assertThat(exitCodeOf("graceful_job")).isEqualTo(143.0);
    assertThat(gateway.value("graceful_job", Map.of(), "batch_job_last_success_timestamp_seconds")).isNull();
  }

  @Test
  void sigintReachesACommandThatTrapsIt() throws Exception {
    Path ready = dir.resolve("ready");
    Launch.Running running = run("int_job", "sh", "-c",
        "trap 'exit 9' INT; touch " + ready + "; while :; do sleep 0.1; done").withoutTerminal().start();
    awaitFile(ready);

    signal("INT", running.process.pid());
    Launch.Result r = running.await();

    assertThat(r.exitCode()).isEqualTo(9);
    assertThat(r.stderr()).isEqualTo("batchpush: received SIGINT; passing it on to COMMAND\n");
    assertThat(exitCodeOf("int_job")).isEqualTo(9.0);
  }

  @Test
  void sighupReachesTheCommandWhichDiesOfIt() throws Exception {
    Path ready = dir.resolve("ready");
    Launch.Running running = run("hup_job", "sh", "-c", "touch " + ready + "; exec sleep 60").start();
    awaitFile(ready);

    signal("HUP", running.process.pid());
    Launch.Result r = running.await();

    assertThat(r.exitCode()).isEqualTo(129);
    assertThat(exitCodeOf("hup_job")).isEqualTo(129.0);
  }

  @Test
  void maxAgeMetricPrefixAndPushStartReachTheGateway() {
    Launch.Result r = batchpush("run", "--job", "slo_job", "--max-age", "26h", "--metric-prefix", "nightly",
        "--push-start", "--", "true").env("BATCHPUSH_GATEWAY", gateway.uri().toString()).run();

    assertThat(r.exitCode()).isZero();
    Map<String, Double> group = gateway.group("slo_job", Map.of());
    assertThat(group.get("nightly_max_age_seconds")).isEqualTo(93600.0);
    assertThat(group.get("nightly_exit_code")).isEqualTo(0.0);
    assertThat(group).containsKey("nightly_last_start_timestamp_seconds");
  }

  @Test
  void stdinAndStdoutPassThroughByteForByte() {
    byte[] data = new byte[256 * 1024];
    new Random(42).nextBytes(data);
    for (int i = 0; i < 256; i++) {
      data[i] = (byte) i;
    }

    Launch.Result r = run("cat_job", "cat").stdin(data).run();

    assertThat(r.exitCode()).isZero();
    assertThat(r.stdoutBytes()).isEqualTo(data);
  }

  @Test
  void jobNamesAndLabelsWithSlashesSpacesAndEmptyValuesArriveExactly() {
    Launch.Result r = batchpush("run", "--job", "nightly/backup job", "--label", "path=/var/lib/pg data",
        "--label", "empty=", "--label", "team=a+b", "--", "true")
        .env("BATCHPUSH_GATEWAY", gateway.uri().toString()).run();

    assertThat(r.exitCode()).isZero();
    assertThat(r.stderr()).isEmpty();
    assertThat(gateway.value("nightly/backup job", Map.of("path", "/var/lib/pg data", "empty", "", "team", "a+b"),
        "batch_job_exit_code")).isEqualTo(0.0);
  }

  @Test
  void aPasswordReachesNeitherTheCommandsEnvironmentNorPs() throws Exception {
    Path ready = dir.resolve("ready");
    Path env = dir.resolve("env");
    Launch.Running running = run("secret_job", "sh", "-c", "env > " + env + "; touch " + ready + "; sleep 1")
        .env("BATCHPUSH_USERNAME", "ops").env("BATCHPUSH_PASSWORD", "pw-s3cret-1").start();
    awaitFile(ready);
    String processes = commandLinesOfAllProcesses();
    Launch.Result r = running.await();

    assertThat(r.exitCode()).isZero();
    assertThat(processes).contains("secret_job").doesNotContain("s3cret");
    assertThat(Files.readString(env)).contains("BATCHPUSH_USERNAME=ops").doesNotContain("s3cret");
  }

  @Test
  void aBearerTokenDoesNotReachTheCommandsEnvironment() throws Exception {
    Path env = dir.resolve("env");

    Launch.Result r = run("token_job", "sh", "-c", "env > " + env)
        .env("BATCHPUSH_BEARER_TOKEN", "tok-s3cret-2").run();

    assertThat(r.exitCode()).isZero();
    assertThat(Files.readString(env)).contains("BATCHPUSH_GATEWAY=").doesNotContain("s3cret");
  }

  // Review L2: the launcher assigned home, version, key, cache... and a variable of that name exported by the user
  // reached COMMAND changed.
  @Test
  void variablesNamedLikeTheLaunchersOwnReachTheCommandUnchanged() throws Exception {
    Path env = dir.resolve("env");
    Launch launch = run("env_job", "sh", "-c", "env > " + env);
    String[] names = {"self", "jar", "java", "home", "line", "version", "major", "flags", "aot", "ext", "cds",
        "cache", "key", "archive", "lock", "tmp", "quiet"};
    for (String name : names) {
      launch.env(name, "users-" + name);
    }

    Launch.Result r = launch.run();

    assertThat(r.exitCode()).isZero();
    List<String> lines = Files.readAllLines(env);
    for (String name : names) {
      assertThat(lines).contains(name + "=users-" + name);
    }
  }

  // Review M3: started with stdin and stdout closed, batchpush handed COMMAND what the JVM had opened in their place:
  // the JDK's modules file as its stdin, the jar as its stdout.
  @Test
  void descriptorsClosedForBatchpushAreClosedForTheCommandToo() throws Exception {
    // Each echo redirects on its own: a redirection of the whole loop would open fd 1 for the test itself.
    String probe = "for fd in 0 1 2; do if [ -e /proc/self/fd/$fd ]; then echo $fd:open >&2; else echo $fd:closed "
        + ">&2; fi; done";
    ProcessBuilder closedStdio = new ProcessBuilder("/bin/sh", "-c", "exec 0<&- 1>&-; exec \"$@\"", "sh",
        Launch.LAUNCHER.toString(), "run", "--job", "closed_job", "--gateway", gateway.uri().toString(), "--no-spool",
        "--", "sh", "-c", probe);
    closedStdio.environment().keySet().removeIf(name -> name.startsWith("BATCHPUSH_"));
    closedStdio.environment().put("BATCHPUSH_CDS", "off");
    Process p = closedStdio.start();
    String stderr = new String(p.getErrorStream().readAllBytes());

    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(stderr).isZero();
    assertThat(stderr).isEqualTo("0:closed\n1:closed\n2:open\n");
    assertThat(gateway.value("closed_job", Map.of(), "batch_job_exit_code")).isEqualTo(0.0);
  }

  /** What ps shows as every process's arguments, read where ps reads it. */
  static String commandLinesOfAllProcesses() throws IOException {
    StringBuilder all = new StringBuilder();
    try (var dirs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
      for (Path d : dirs) {
        try {
          all.append(new String(Files.readAllBytes(d.resolve("cmdline"))).replace('\0', ' ')).append('\n');
        } catch (IOException goneMeanwhile) {
          // the process exited while we looked
        }
      }
    }
    return all.toString();
  }

  /** Whether the process is gone (or a zombie waiting for init) within 5 s. */
  static boolean gone(long pid) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (System.nanoTime() < deadline) {
      Path stat = Path.of("/proc", Long.toString(pid), "stat");
      if (!Files.exists(stat) || Files.readString(stat).replaceFirst(".*\\) ", "").startsWith("Z")) {
        return true;
      }
      Thread.sleep(20);
    }
    return false;
  }

  static void awaitFile(Path file) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!Files.exists(file)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(file + " did not appear within 30 s");
      }
      Thread.sleep(20);
    }
  }

  static void signal(String name, long pid) throws Exception {
    Process kill = new ProcessBuilder("sh", "-c", "kill -" + name + " " + pid).inheritIO().start();
    assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(kill.exitValue()).isZero();
  }
}
