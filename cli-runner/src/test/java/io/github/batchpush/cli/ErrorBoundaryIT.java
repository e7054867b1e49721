package io.github.batchpush.cli;

import static io.github.batchpush.cli.Launch.batchpush;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.batchpush.testing.Pushgateway;
import io.github.batchpush.testing.RealPushgateway;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whatever goes wrong in batchpush's own work after COMMAND ran, an {@link OutOfMemoryError} included, COMMAND's exit
 * code stands and the trouble is one {@code batchpush:} line, never a stack trace. The trouble here is a 100 MB file
 * in the spool (sparse: it takes no disk), which batchpush's 64 MiB heap cannot hold should it try.
 */
class ErrorBoundaryIT {
  @RealPushgateway
  static Pushgateway gateway;

  @TempDir
  Path dir;

  private Path spool;

  @BeforeEach
  void spoolWithAHugeRun() throws Exception {
    spool = Files.createDirectory(dir.resolve("spool"));
    try (RandomAccessFile huge = new RandomAccessFile(spool.resolve("000-huge.run").toFile(), "rw")) {
      huge.setLength(100L * 1024 * 1024);
    }
  }

  @Test
  void troubleDeliveringTheRunLeavesTheCommandsExitCodeAndPrintsNoStackTrace() {
    Launch.Result r = batchpush("run", "--job", "boundary_job", "--gateway", gateway.uri().toString(), "--spool-dir",
        spool.toString(), "--", "sh", "-c", "exit 3").run();

    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.stderr()).doesNotContain("\tat ").doesNotContain("Exception in thread");
    assertThat(r.stderr().lines()).allMatch(line -> line.startsWith("batchpush: "));
  }

  @Test
  void troubleFlushingTheSpoolExitsAsDocumentedWithoutAStackTrace() {
    Launch.Result r = batchpush("flush", "--gateway", gateway.uri().toString(), "--spool-dir", spool.toString())
        .run();

    // 1 while the run waits, 0 once it is set aside: flush's codes, never the JVM's 1 of an uncaught error.
    assertThat(r.exitCode()).isIn(0, 1);
    assertThat(r.stderr()).doesNotContain("\tat ").doesNotContain("Exception in thread");
    assertThat(r.stderr().lines()).allMatch(line -> line.startsWith("batchpush: "));
  }
}
