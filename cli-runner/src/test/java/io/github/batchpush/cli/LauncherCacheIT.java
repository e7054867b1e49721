package io.github.batchpush.cli;

import static io.github.batchpush.cli.Launch.batchpush;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.batchpush.testing.Pushgateway;
import io.github.batchpush.testing.RealPushgateway;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's class archive (class-data sharing on Java 17, the AOT cache on 25): built once in the background,
 * used from then on, never in the way of a run.
 */
class LauncherCacheIT {
  @RealPushgateway
  static Pushgateway gateway;

  @TempDir
  Path cache;

  private static final Path JAVA_25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64");

  private Launch runWithCache(String job) {
    return batchpush("run", "--job", job, "--no-spool", "--", "true")
        .env("BATCHPUSH_GATEWAY", gateway.uri().toString()).env("BATCHPUSH_CDS", "on")
        .env("XDG_CACHE_HOME", cache.toString());
  }

  private static void assumeJava25() {
    Assumptions.assumeTrue(Files.isExecutable(JAVA_25.resolve("bin/java")), "no Java 25 at " + JAVA_25);
  }

  /** Runs with the JVM's class-loading log on stderr, which names where each class came from. */
  private Launch runLoggingClassLoads(String job) {
    return runWithCache(job).env("BATCHPUSH_JAVA_OPTS", "-Xlog:class+load=info:stderr:none");
  }

  private List<Path> cacheFiles() throws IOException {
    Path dir = cache.resolve("batchpush");
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.collect(Collectors.toList());
    }
  }

  private Path awaitArchive() throws Exception {
    return awaitArchive(".jsa");
  }

  /** Waits (bounded) until the background trainer has left exactly one archive and nothing else. */
  private Path awaitArchive(String extension) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (System.nanoTime() < deadline) {
      List<Path> files = cacheFiles();
      if (files.size() == 1 && files.get(0).toString().endsWith(extension)) {
        return files.get(0);
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no single " + extension + " archive within 90 s: " + cacheFiles());
  }

  /**
   * The classes of a whole run (batchpush's, picocli's, core's) come from the archive. picocli matters most: its
   * released jar is Java 5 bytecode, which archives skip, so the build compiles picocli's sources for Java 17.
   */
  private static void assertRunClassesCameFromTheArchive(Launch.Result r) {
    assertThat(r.exitCode()).isZero();
    assertThat(r.stderr())
        .contains("picocli.CommandLine source: shared objects file")
        .contains("io.github.batchpush.cli.RunCommand source: shared objects file")
        .contains("io.github.batchpush.BatchPush source: shared objects file");
  }

  @Test
  void twoRunsStartingAtOnceWithNoCacheBothSucceedAndLeaveOneArchive() throws Exception {
    Launch.Running first = runWithCache("cds_a").start();
    Launch.Running second = runWithCache("cds_b").start();

    Launch.Result a = first.await();
    Launch.Result b = second.await();

    assertThat(a.exitCode()).isZero();
    assertThat(b.exitCode()).isZero();
    assertThat(a.stderr() + b.stderr()).isEmpty();
    assertThat(awaitArchive().getFileName().toString()).startsWith("batchpush-").endsWith(".jsa");

    Launch.Result withArchive = runWithCache("cds_c").run();
    assertThat(withArchive.exitCode()).isZero();
    assertThat(withArchive.stderr()).isEmpty();
    assertThat(gateway.value("cds_c", java.util.Map.of(), "batch_job_exit_code")).isEqualTo(0.0);
    assertRunClassesCameFromTheArchive(runLoggingClassLoads("cds_c").run());
  }

  @Test
  void onJava25TheLauncherBuildsAnAotCacheAndRunsFromIt() throws Exception {
    assumeJava25();

    Launch.Result first = runWithCache("aot_a").env("JAVA_HOME", JAVA_25.toString()).run();
    assertThat(first.exitCode()).isZero();
    assertThat(first.stderr()).isEmpty();
    assertThat(awaitArchive(".aot").getFileName().toString()).startsWith("batchpush-");

    Launch.Result withCache = runLoggingClassLoads("aot_b").env("JAVA_HOME", JAVA_25.toString()).run();
    assertRunClassesCameFromTheArchive(withCache);
    assertThat(gateway.value("aot_b", java.util.Map.of(), "batch_job_exit_code")).isEqualTo(0.0);

    // Options the cache was not made with make Java 25 refuse it, with error lines on every run unless silenced.
    Launch.Result otherOptions = runWithCache("aot_c").env("JAVA_HOME", JAVA_25.toString())
        .env("BATCHPUSH_JAVA_OPTS", "--add-modules=java.sql").run();
    assertThat(otherOptions.exitCode()).isZero();
    assertThat(otherOptions.stderr()).isEmpty();
  }

  @Test
  void onJava25ADamagedAotCacheNeitherFailsARunNorPrintsAnything() throws Exception {
    assumeJava25();
    runWithCache("aot_d").env("JAVA_HOME", JAVA_25.toString()).run();
    Path cacheFile = awaitArchive(".aot");
    byte[] whole = Files.readAllBytes(cacheFile);
    Files.write(cacheFile, java.util.Arrays.copyOf(whole, whole.length / 2));

    Launch.Result r = runWithCache("aot_e").env("JAVA_HOME", JAVA_25.toString()).run();

    assertThat(r.exitCode()).isZero();
    assertThat(r.stderr()).isEmpty();
    assertThat(r.stdout()).isEmpty();
  }

  @Test
  void aFailedTrainingIsTriedAgainADayLater() throws Exception {
    runWithCache("cds_g").run();
    Path archive = awaitArchive();
    Path failed = archive.resolveSibling(archive.getFileName() + ".failed");
    Files.delete(archive);
    Files.createFile(failed);
    Files.setLastModifiedTime(failed, FileTime.from(Instant.now().minus(Duration.ofHours(25))));

    assertThat(runWithCache("cds_h").run().exitCode()).isZero();

    assertThat(awaitArchive()).isEqualTo(archive); // and the stale marker was cleared away
  }

  @Test
  void aCorruptArchiveNeitherFailsARunNorPrintsAnything() throws Exception {
    runWithCache("cds_d").run();
    Path archive = awaitArchive();
    Files.write(archive, new byte[] {1, 2, 3, 4});

    Launch.Result r = runWithCache("cds_e").run();

    assertThat(r.exitCode()).isZero();
    assertThat(r.stderr()).isEmpty();
    assertThat(r.stdout()).isEmpty();
  }

  @Test
  void anUnwritableCacheDirectoryDoesNotFailARun() throws Exception {
    Files.writeString(cache.resolve("batchpush"), "a file where the cache directory would go");

    Launch.Result r = runWithCache("cds_f").run();

    assertThat(r.exitCode()).isZero();
    assertThat(r.stderr()).isEmpty();
  }

  @Test
  void theLauncherRunsOnJava25ViaJavaHome() {
    assumeJava25();

    Launch.Result r = batchpush("--version").env("JAVA_HOME", JAVA_25.toString()).run();

    assertThat(r.exitCode()).isZero();
    assertThat(r.stdout()).contains("Java 25");
  }

  @Test
  void anOlderJavaIsRefusedOnOneLineWithExitCode125() throws Exception {
    Path home = Files.createTempDirectory("java11");
    Path java = Files.createDirectories(home.resolve("bin")).resolve("java");
    Files.writeString(java, "#!/bin/sh\necho 'this JVM must not be started' >&2\nexit 99\n");
    java.toFile().setExecutable(true);
    Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"Test\"\nJAVA_VERSION=\"11.0.2\"\n");

    Launch.Result old = batchpush("run", "--job", "x", "--", "true").env("JAVA_HOME", home.toString()).run();

    assertThat(old.exitCode()).isEqualTo(125);
    assertThat(old.stderr()).isEqualTo("batchpush: " + java + " is Java 11.0.2; batchpush needs Java 17 or later "
        + "(set JAVA_HOME to one)\n");

    Files.writeString(home.resolve("release"), "JAVA_VERSION=\"1.8.0_402\"\n");
    assertThat(batchpush("--version").env("JAVA_HOME", home.toString()).run().exitCode()).isEqualTo(125);

    // A Java 17+, or no release file to tell, is left to the JVM: here the stand-in runs.
    Files.writeString(home.resolve("release"), "JAVA_VERSION=\"21.0.1\"\n");
    assertThat(batchpush("--version").env("JAVA_HOME", home.toString()).run().exitCode()).isEqualTo(99);
  }
}
