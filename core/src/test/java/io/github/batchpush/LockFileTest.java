package io.github.batchpush;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one lock of the spool and the textfile writer: exclusive, given up at a deadline, never a special file. */
class LockFileTest {
  @TempDir
  Path dir;

  private static long in(Duration d) {
    return System.nanoTime() + d.toNanos();
  }

  @Test
  void aSecondHolderWaitsForTheFirstAndGetsTheLockWhenItIsReleased() throws Exception {
    Path lock = dir.resolve(".lock");
    CountDownLatch held = new CountDownLatch(1);
    AtomicBoolean overlapped = new AtomicBoolean();
    AtomicBoolean inside = new AtomicBoolean();
    CompletableFuture<Void> first = CompletableFuture.runAsync(() -> {
      try (LockFile.Held h = LockFile.acquire(lock, in(Duration.ofSeconds(5)))) {
        inside.set(true);
        held.countDown();
        Thread.sleep(200);
        inside.set(false);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    assertThat(held.await(5, TimeUnit.SECONDS)).isTrue();

    try (LockFile.Held second = LockFile.acquire(lock, in(Duration.ofSeconds(5)))) {
      overlapped.set(inside.get());
      assertThat(second).isNotNull();
    }

    first.get(5, TimeUnit.SECONDS);
    assertThat(overlapped).isFalse();
  }

  @Test
  void aLockTakenOnOneThreadIsReleasedOnAnother() throws Exception {
    Path lock = dir.resolve(".lock");
    LockFile.Held first = LockFile.acquire(lock, in(Duration.ofSeconds(5)));

    CompletableFuture.runAsync(() -> {
      try {
        first.close();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }).get(5, TimeUnit.SECONDS);

    try (LockFile.Held second = LockFile.acquire(lock, System.nanoTime())) {
      assertThat(second).isNotNull();
    }
  }

  @Test
  void aLockHeldPastTheDeadlineIsNotHad() throws Exception {
    Path lock = dir.resolve(".lock");
    try (LockFile.Held first = LockFile.acquire(lock, in(Duration.ofSeconds(5)))) {
      long t0 = System.nanoTime();
      LockFile.Held second = CompletableFuture.supplyAsync(() -> {
        try {
          return LockFile.acquire(lock, in(Duration.ofMillis(200)));
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }).get(5, TimeUnit.SECONDS);

      assertThat(second).isNull();
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isBetween(Duration.ofMillis(150), Duration.ofSeconds(3));
    }
  }

  @Test
  void twoPathsToOneFileThroughALinkShareTheLock() throws Exception {
    Path link = Files.createSymbolicLink(dir.resolve("link"), Files.createDirectory(dir.resolve("real")));
    try (LockFile.Held first = LockFile.acquire(dir.resolve("real").resolve(".lock"), in(Duration.ofSeconds(5)))) {
      LockFile.Held second = CompletableFuture.supplyAsync(() -> {
        try {
          return LockFile.acquire(link.resolve(".lock"), in(Duration.ofMillis(200)));
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }).get(5, TimeUnit.SECONDS);

      assertThat(second).isNull();
    }
  }

  @Test
  void aFifoWhereTheLockFileShouldBeIsRefusedAtOnce() throws Exception {
    Path fifo = dir.resolve(".lock");
    assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();

    Throwable refused = CompletableFuture.supplyAsync(() -> catchThrowable(
        () -> LockFile.acquire(fifo, in(Duration.ofSeconds(5))))).get(5, TimeUnit.SECONDS);

    assertThat(refused).isInstanceOf(LockFile.NotRegularFileException.class)
        .hasMessage(fifo + " is not a regular file");
  }

  @Test
  void aLinkWhereTheLockFileShouldBeIsRefusedNotFollowed() throws Exception {
    Path link = Files.createSymbolicLink(dir.resolve(".lock"), Paths.get("/dev/zero"));

    assertThat(catchThrowable(() -> LockFile.acquire(link, in(Duration.ofSeconds(1)))))
        .isInstanceOf(LockFile.NotRegularFileException.class);
  }
}
