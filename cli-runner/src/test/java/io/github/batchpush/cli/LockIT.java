package io.github.batchpush.cli;

import static io.github.batchpush.cli.Launch.batchpush;
import static io.github.batchpush.cli.RunIT.awaitFile;
import static io.github.batchpush.cli.RunIT.signal;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.batchpush.testing.Pushgateway;
import io.github.batchpush.testing.RealPushgateway;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code batchpush run --lock}: at most one run of a group at a time on this host, through the packaged launcher,
 * with real concurrent processes, a real SIGKILL and the real Pushgateway.
 */
class LockIT {
  private static final List<String> TEAM_OPS = List.of("--label", "team=ops");

  @RealPushgateway
  static Pushgateway gateway;

  @TempDir
  Path dir;

  @TempDir
  Path locks;

  /** {@code batchpush run --lock --job JOB --no-spool -- COMMAND...} with the gateway and lock directory set. */
  private Launch locked(String job, String... command) {
    return locked(job, List.of(), command);
  }

  /** {@code batchpush run --lock --job JOB --no-spool OPTIONS -- COMMAND...}. */
  private Launch locked(String job, List<String> options, String... command) {
    List<String> args = new ArrayList<>(List.of("run", "--lock", "--job", job, "--no-spool"));
    args.addAll(options);
    args.add("--");
    args.addAll(List.of(command));
    return batchpush(args.toArray(new String[0])).env("BATCHPUSH_GATEWAY", gateway.uri().toString())
        .env("BATCHPUSH_LOCK_DIR", locks.toString());
  }

  /** A COMMAND that touches {@code ready}, waits for {@code release} (at most 30 s), then touches {@code done}. */
  private String[] holdsUntilReleased(String name) {
    return new String[] {"sh", "-c", "touch " + dir.resolve(name + ".ready") + "; i=0; while [ ! -e "
        + dir.resolve(name + ".release") + " ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done; echo " + name
        + " >> " + dir.resolve("ran") + "; touch " + dir.resolve(name + ".done")};
  }

  private void release(String name) throws IOException {
    Files.writeString(dir.resolve(name + ".release"), "");
  }

  private static Map<String, Double> withoutGatewayTimes(Map<String, Double> group) {
    Map<String, Double> metrics = new LinkedHashMap<>(group);
    metrics.remove("push_time_seconds");
    metrics.remove("push_failure_time_seconds");
    return metrics;
  }

  @Test
  void ofTwoRunsOfOneGroupTheSecondIsSkippedPushedAsASkipAndExits193() throws Exception {
    assertThat(locked("overlap_job", TEAM_OPS, "sh", "-c", "exit 3").run().exitCode()).isEqualTo(3);
    Map<String, Double> before = withoutGatewayTimes(gateway.group("overlap_job", Map.of("team", "ops")));
    Launch.Running first = locked("overlap_job", TEAM_OPS, holdsUntilReleased("first")).start();
    awaitFile(dir.resolve("first.ready"));

    Launch.Result second = locked("overlap_job", TEAM_OPS, "sh", "-c",
        "echo second >> " + dir.resolve("ran")).run();

    assertThat(second.exitCode()).as(second.stderr()).isEqualTo(193);
    assertThat(second.stdout()).isEmpty();
    assertThat(second.stderr()).matches("batchpush: skipped this run of job=overlap_job team=ops: the previous one "
        + "\\(pid " + first.process.pid() + " since \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\\) still holds the lock "
        + locks.resolve("overlap_job-ops-") + "[0-9a-f]{8}\\.lock\n");
    Map<String, Double> skipped = withoutGatewayTimes(gateway.group("overlap_job", Map.of("team", "ops")));
    assertThat(skipped.remove("batch_job_last_skip_timestamp_seconds")).isCloseTo(System.currentTimeMillis() / 1e3,
        org.assertj.core.data.Offset.offset(60.0));
    assertThat(skipped).as("nothing else of the group changed").isEqualTo(before);

    release("first");
    assertThat(first.await().exitCode()).isZero();
    assertThat(Files.readAllLines(dir.resolve("ran"))).containsExactly("first");
    assertThat(gateway.group("overlap_job", Map.of("team", "ops"))).containsEntry("batch_job_exit_code", 0.0)
        .containsKey("batch_job_last_skip_timestamp_seconds");
  }

  @Test
  void runsOfDifferentGroupsRunAtTheSameTime() throws Exception {
    // Each COMMAND succeeds only if it sees the other one running.
    String[] command = {"sh", "-c", "touch " + dir.resolve("$0") + "; i=0; while [ ! -e " + dir.resolve("$1")
        + " ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done; [ -e " + dir.resolve("$1") + " ]"};
    Launch.Running eu = locked("regional_job", List.of("--label", "region=eu"), with(command, "eu", "us")).start();
    Launch.Running us = locked("regional_job", List.of("--label", "region=us"), with(command, "us", "eu")).start();

    Launch.Result euResult = eu.await();
    Launch.Result usResult = us.await();

    assertThat(euResult.exitCode()).as(euResult.stderr()).isZero();
    assertThat(usResult.exitCode()).as(usResult.stderr()).isZero();
  }

  @Test
  void aHolderKilledWithSigkillLeavesALockFileThatDoesNotBlock() throws Exception {
    Path pid = dir.resolve("command.pid");
    Launch.Running holder = locked("killed_job", "sh", "-c", "echo $$ > " + pid + "; touch "
        + dir.resolve("ready") + "; exec sleep 60 >/dev/null 2>&1").start(); // not holding batchpush's output open
    awaitFile(dir.resolve("ready"));
    long command = Long.parseLong(Files.readString(pid).strip());
    try {
      signal("KILL", holder.process.pid());
      assertThat(holder.await().exitCode()).isEqualTo(137);
      assertThat(ProcessHandle.of(command).map(ProcessHandle::isAlive)).as("its COMMAND lives on").contains(true);

      Launch.Result next = locked("killed_job", "true").run();

      assertThat(next.exitCode()).as(next.stderr()).isZero();
      assertThat(next.stderr()).isEmpty();
      assertThat(locks.resolve("killed_job.lock")).exists();
    } finally {
      ProcessHandle.of(command).ifPresent(ProcessHandle::destroyForcibly);
    }
  }

  @Test
  void withLockWaitARunWaitsForThePreviousOneThenRuns() throws Exception {
    Launch.Running first = locked("patient_job", holdsUntilReleased("first")).start();
    awaitFile(dir.resolve("first.ready"));
    Launch.Running second = locked("patient_job", List.of("--lock-wait", "30s"), "sh", "-c",
        "test -e " + dir.resolve("first.done") + " && echo second >> " + dir.resolve("ran")).start();
    Thread.sleep(1000);

    release("first");
    Launch.Result secondResult = second.await();

    assertThat(first.await().exitCode()).isZero();
    assertThat(secondResult.exitCode()).as(secondResult.stderr()).isZero();
    assertThat(secondResult.stderr()).isEmpty();
    assertThat(Files.readAllLines(dir.resolve("ran"))).containsExactly("first", "second");
    assertThat(gateway.group("patient_job", Map.of())).doesNotContainKey("batch_job_last_skip_timestamp_seconds");
  }

  @Test
  void aSignalWhileWaitingForTheLockEndsTheWaitAndCommandDoesNotRun() throws Exception {
    Launch.Running first = locked("waiting_job", holdsUntilReleased("first")).start();
    awaitFile(dir.resolve("first.ready"));
    Launch.Running second = locked("waiting_job", List.of("--lock-wait", "60s"), "touch", dir.resolve("second").toString())
        .withoutTerminal().start();
    awaitLockOpenedBy(second.process.pid(), locks.resolve("waiting_job.lock"));

    long t0 = System.nanoTime();
    signal("TERM", second.process.pid());
    Launch.Result r = second.await();

    assertThat(Pushgateway.since(t0)).isLessThan(java.time.Duration.ofSeconds(10));
    assertThat(r.exitCode()).as(r.stderr()).isEqualTo(143);
    assertThat(r.stderr()).startsWith("batchpush: received SIGTERM before 'touch' started; not starting it\n");
    assertThat(dir.resolve("second")).doesNotExist();
    // Review 2, finding 5: the waiter pushed a failed run (exit code 143) that never ran, over the holder's group.
    assertThat(gateway.group("waiting_job", Map.of())).as("nothing pushed by a run that never had its turn")
        .isEmpty();
    release("first");
    assertThat(first.await().exitCode()).isZero();
    assertThat(gateway.value("waiting_job", Map.of(), "batch_job_exit_code")).isEqualTo(0.0);
  }

  @Test
  void theCommandDoesNotInheritTheLocksFileDescriptor() {
    Launch.Result r = locked("fd_job", "sh", "-c", "ls -l /proc/$PPID/fd; echo --; ls -l /proc/$$/fd").run();

    assertThat(r.exitCode()).as(r.stderr()).isZero();
    String batchpushFds = r.stdout().substring(0, r.stdout().indexOf("--\n"));
    String commandFds = r.stdout().substring(r.stdout().indexOf("--\n"));
    assertThat(batchpushFds).as("batchpush, COMMAND's parent, holds the lock file open")
        .contains(locks.resolve("fd_job.lock").toString());
    assertThat(commandFds).doesNotContain(locks.toString());
  }

  @Test
  void aSkipThatCannotBeDeliveredIsSpooledAndStillExits193() throws Exception {
    Launch.Running first = locked("spooled_skip_job", holdsUntilReleased("first")).start();
    awaitFile(dir.resolve("first.ready"));
    Path spool = dir.resolve("spool");

    Launch.Result r = batchpush("run", "--lock", "--job", "spooled_skip_job", "--gateway",
        "http://127.0.0.1:" + Pushgateway.freePort(), "--deadline", "500ms", "--spool-dir", spool.toString(), "--",
        "true").env("BATCHPUSH_LOCK_DIR", locks.toString()).run();

    assertThat(r.exitCode()).isEqualTo(193);
    assertThat(r.stderr()).startsWith("batchpush: skipped this run of job=spooled_skip_job: ").hasLineCount(2);
    assertThat(r.stderr().lines().skip(1).findFirst()).get().asString().contains("spooled_skip_job")
        .contains("spooled");
    try (Stream<Path> files = Files.walk(spool)) {
      assertThat(files.filter(p -> p.getFileName().toString().endsWith(".run"))).hasSize(1);
    }
    release("first");
    assertThat(first.await().exitCode()).isZero();
  }

  @Test
  void withQuietASkipPrintsNothing() throws Exception {
    Launch.Running first = locked("quiet_job", holdsUntilReleased("first")).start();
    awaitFile(dir.resolve("first.ready"));

    Launch.Result r = locked("quiet_job", List.of("--quiet"), "true").run();

    assertThat(r.exitCode()).isEqualTo(193);
    assertThat(r.stdout() + r.stderr()).isEmpty();
    release("first");
    assertThat(first.await().exitCode()).isZero();
  }

  @Test
  void lockWaitWithoutLockIsABadOption() {
    Launch.Result r = batchpush("run", "--job", "x", "--lock-wait", "5m", "--", "touch", dir.resolve("ran").toString())
        .run();

    assertThat(r.exitCode()).isEqualTo(125);
    assertThat(r.stderr()).isEqualTo("batchpush: --lock-wait needs --lock: add --lock, or leave --lock-wait out\n");
    assertThat(dir.resolve("ran")).doesNotExist();
  }

  @Test
  void aLockDirectoryThatCannotBeUsedIsRefusedBeforeTheCommandRuns() throws Exception {
    Path file = Files.writeString(dir.resolve("file"), "");

    Launch.Result r = locked("x", "touch", dir.resolve("ran").toString())
        .env("BATCHPUSH_LOCK_DIR", file.resolve("locks").toString()).run();

    assertThat(r.exitCode()).isEqualTo(125);
    assertThat(r.stderr()).isEqualTo("batchpush: Cannot take the lock '" + file.resolve("locks/x.lock")
        + "' (FileSystemException: " + file.resolve("locks") + ": Not a directory): set BATCHPUSH_LOCK_DIR to a "
        + "directory this user can write\n");
    assertThat(dir.resolve("ran")).doesNotExist();
  }

  // Review 2, finding 3: the first user's lock file was made 0600, and every other user sharing the directory (as the
  // README recommends) exited 125 on every run from then on.
  @Test
  void usersSharingALockDirectoryExcludeEachOtherInsteadOfLockingEachOtherOut() throws Exception {
    Path shared = sharedDirectory();

    Launch.Result nobody = locked("shared_job", "true").env("BATCHPUSH_LOCK_DIR", shared.toString()).asUser(65534)
        .run();
    Launch.Result daemon = locked("shared_job", "true").env("BATCHPUSH_LOCK_DIR", shared.toString()).asUser(1).run();

    assertThat(nobody.exitCode()).as(nobody.stderr()).isZero();
    assertThat(daemon.exitCode()).as(daemon.stderr()).isZero();
    assertThat(Files.getPosixFilePermissions(shared.resolve("shared_job.lock")))
        .isEqualTo(PosixFilePermissions.fromString("rw-rw-rw-"));
  }

  // Review 3, finding 2: an owner-only lock file another user left (a version before this one made them so) was
  // reported as a directory to change, which was not the problem.
  @Test
  void anotherUsersOwnerOnlyLockFileIsNamedWithItsOwnerAndTheFix() throws Exception {
    Path shared = sharedDirectory();
    Path lock = Files.writeString(shared.resolve("old_job.lock"), "");
    Files.setPosixFilePermissions(lock, PosixFilePermissions.fromString("rw-------"));

    Launch.Result r = locked("old_job", "touch", dir.resolve("ran").toString())
        .env("BATCHPUSH_LOCK_DIR", shared.toString()).unprivileged().run();

    assertThat(r.exitCode()).isEqualTo(125);
    assertThat(r.stderr()).isEqualTo("batchpush: The lock file '" + lock + "' cannot be written by this user (it "
        + "belongs to uid 0): have its owner remove it, or make it writable (chmod a+rw); lock files made now are as "
        + "writable as their directory\n");
    assertThat(dir.resolve("ran")).doesNotExist();
  }

  @Test
  void anEmptyLockDirectoryVariableIsRefusedBeforeTheCommandRuns() {
    Launch.Result r = locked("x", "touch", dir.resolve("ran").toString()).env("BATCHPUSH_LOCK_DIR", "").run();

    assertThat(r.exitCode()).isEqualTo(125);
    assertThat(r.stderr()).isEqualTo("batchpush: BATCHPUSH_LOCK_DIR is set but empty: give it a value, or unset it "
        + "for the default (batchpush/locks in $XDG_STATE_HOME, else in $HOME/.local/state)\n");
    assertThat(dir.resolve("ran")).doesNotExist();
  }

  /** A lock directory every user may write, as users who must exclude each other share one; root's tests only. */
  private Path sharedDirectory() throws IOException {
    Assumptions.assumeTrue(Launch.RUNS_AS_ROOT, "needs users besides the tests' own");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path shared = Files.createDirectory(dir.resolve("shared"));
    Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
    return shared;
  }

  private static String[] with(String[] command, String... args) {
    List<String> all = new ArrayList<>(List.of(command));
    all.addAll(List.of(args));
    return all.toArray(new String[0]);
  }

  /** Waits until the process has the lock file open: it is then waiting for the lock. */
  private static void awaitLockOpenedBy(long pid, Path lock) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
        if (fds.anyMatch(fd -> lock.toString().equals(target(fd)))) {
          return;
        }
      } catch (IOException notYet) {
        // the process is starting, or an fd closed while listed
      }
      Thread.sleep(20);
    }
    throw new AssertionError(pid + " did not open " + lock + " within 30 s");
  }

  private static String target(Path fd) {
    try {
      return Files.readSymbolicLink(fd).toString();
    } catch (IOException e) {
      return "";
    }
  }
}
