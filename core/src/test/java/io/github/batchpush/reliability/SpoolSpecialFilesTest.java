package io.github.batchpush.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.batchpush.testing.Pushgateway;
import io.github.batchpush.testing.RealPushgateway;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What a hostile or broken file system puts in the spool: a FIFO named like a run (opening it blocks until a writer
 * comes), a run that is a link to {@code /dev/zero} (endless), a run of 100 MB. Each is set aside with one line,
 * within the deadline: never a hang, never an OutOfMemoryError, never another exit code for the job. The same for
 * the lock file. Each case runs a job in its own small-heap JVM, as {@code batchpush run} would.
 */
class SpoolSpecialFilesTest {
  /** What a job's whole process may take here: its JVM's start, and the 2 s delivery deadline. */
  static final Duration BOUND = Duration.ofSeconds(15);

  @RealPushgateway
  static Pushgateway gateway;

  @TempDir
  Path spool;

  enum Special {
    FIFO("not a regular file"),
    LINK_TO_DEV_ZERO("not a regular file (a symbolic link)"),
    HUNDRED_MEGABYTES("too large (104857600 bytes");

    final String why;

    Special(String why) {
      this.why = why;
    }

    void create(Path file) throws Exception {
      switch (this) {
        case FIFO:
          Process mkfifo = new ProcessBuilder("mkfifo", file.toString()).start();
          assertThat(mkfifo.waitFor(10, TimeUnit.SECONDS)).isTrue();
          assertThat(mkfifo.exitValue()).isZero();
          break;
        case LINK_TO_DEV_ZERO:
          Files.createSymbolicLink(file, Paths.get("/dev/zero"));
          break;
        default:
          try (RandomAccessFile sparse = new RandomAccessFile(file.toFile(), "rw")) {
            sparse.setLength(100L << 20);
          }
      }
    }
  }

  /** A run file name of now: not old enough to be dropped for its age unread. */
  private static String runName() {
    Instant now = Instant.now();
    return String.format("%012d%09d-special.run", now.getEpochSecond(), now.getNano());
  }

  /** Runs a job ending with 3 in its own JVM; returns its output, once it exited within {@link #BOUND}. */
  private String job(String name) throws Exception {
    Process child = Children.startAfter("true", "job", gateway.uri().toString(), spool.toString(), name, "3",
        "2000");
    CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
      try {
        return new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        return e.toString();
      }
    });
    try {
      assertThat(child.waitFor(BOUND.toSeconds(), TimeUnit.SECONDS)).as("the job ended within %s", BOUND).isTrue();
    } finally {
      child.destroyForcibly();
    }
    String text = output.get(10, TimeUnit.SECONDS);
    assertThat(child.exitValue()).as(text).isEqualTo(3);
    assertThat(text).doesNotContain("Exception").doesNotContain("Error:").doesNotContain("\tat ");
    assertThat(gateway.value(name, Map.of(), "batch_job_exit_code")).isEqualTo(3.0);
    return text;
  }

  private static List<String> batchpushLines(String output) {
    return output.lines().filter(l -> l.contains("batchpush:")).collect(Collectors.toList());
  }

  private Path queueDirectory() {
    return Runs.queueFor(spool, gateway.uri(), "queue_maker_job");
  }

  @ParameterizedTest
  @EnumSource(Special.class)
  void aSpecialFileNamedLikeARunWhereTheOldVersionSpooledIsSetAsideWithOneLine(Special special) throws Exception {
    Path file = spool.resolve(runName());
    special.create(file);

    String output = job("special_top_" + special.name().toLowerCase());

    assertThat(batchpushLines(output)).singleElement().asString()
        .contains("spooled run " + file.getFileName() + " moved to " + spool.resolve("corrupt") + "/: "
            + special.why);
    assertThat(Files.exists(spool.resolve("corrupt").resolve(file.getFileName()), LinkOption.NOFOLLOW_LINKS))
        .isTrue();
  }

  @ParameterizedTest
  @EnumSource(Special.class)
  void aSpecialFileNamedLikeARunInTheGatewaysQueueIsSetAsideWithOneLine(Special special) throws Exception {
    Path file = queueDirectory().resolve(runName());
    special.create(file);

    String output = job("special_queue_" + special.name().toLowerCase());

    assertThat(batchpushLines(output)).singleElement().asString()
        .contains("spooled run " + file.getFileName() + " moved to " + spool.resolve("corrupt") + "/: "
            + special.why);
    assertThat(Files.exists(file, LinkOption.NOFOLLOW_LINKS)).isFalse();
  }

  @ParameterizedTest
  @EnumSource(value = Special.class, names = {"FIFO", "LINK_TO_DEV_ZERO"})
  void aLockFileThatIsNotARegularFileIsSetAsideAndTheRunDelivered(Special special) throws Exception {
    special.create(spool.resolve(".lock"));

    String output = job("special_lock_" + special.name().toLowerCase());

    assertThat(batchpushLines(output)).singleElement().asString()
        .contains("lock file .lock moved to " + spool.resolve("corrupt") + "/: not a regular file");
    assertThat(Files.isRegularFile(spool.resolve(".lock"), LinkOption.NOFOLLOW_LINKS)).isTrue();
  }

  @Test
  void aHundredMegabyteLockFileIsEmptiedWithOneLineAndTheRunDelivered() throws Exception {
    Special.HUNDRED_MEGABYTES.create(spool.resolve(".lock"));

    String output = job("special_lock_large");

    assertThat(batchpushLines(output)).singleElement().asString()
        .contains("the old journal in " + spool.resolve(".lock") + " is too large (104857600 bytes) and was dropped");
    assertThat(Files.size(spool.resolve(".lock"))).isLessThan(4096);
  }
}
