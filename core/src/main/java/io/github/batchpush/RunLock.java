package io.github.batchpush;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * This host's overlap lock of one group's runs: while a run of a job (with its labels) holds it, another run of the
 * same group waits for it or is skipped. Taken with {@link BatchPush#lock(String, Duration)}.
 *
 * <pre>{@code
 * try (RunLock lock = push.lock("nightly_report", Duration.ofMinutes(5))) {
 *   if (!lock.acquired()) {
 *     push.skipped("nightly_report");          // batch_job_last_skip_timestamp_seconds
 *     return;
 *   }
 *   try (JobRun run = push.start("nightly_report")) {
 *     // ... the job ...
 *     run.succeeded();
 *   }
 * }
 * }</pre>
 *
 * <p>The lock is an OS file lock ({@link LockFile}) on {@code <lock directory>/<group>.lock}: the kernel releases it
 * when the process ends, however it ends (SIGKILL included), so a lock file left behind never blocks a later run.
 * The files are never deleted: a process waiting on one file while another deletes and recreates it would hold a
 * lock nobody else sees. The holder writes its pid and start time into the file, for the message of the run it
 * skips. Commands started by the holder never hold the lock (see {@link LockFile}).
 */
public final class RunLock implements AutoCloseable {
  private static final Pattern HOLDER = Pattern.compile("pid [0-9]{1,10} since [0-9TZ:.-]{1,40}");
  private static final int HOLDER_MAX_BYTES = 80;

  private final Path file;
  private final LockFile.Held held;
  private final String holder;

  private RunLock(Path file, LockFile.Held held, String holder) {
    this.file = file;
    this.held = held;
    this.holder = holder;
  }

  /**
   * Takes the lock of the group {@code job} plus {@code labels} in {@code directory}, waiting up to {@code wait}; an
   * interrupt ends the wait early (not acquired, the thread's interrupt flag set).
   *
   * @throws IllegalStateException naming the file and the fix when the directory or the file cannot be used
   */
  static RunLock take(Path directory, String job, Map<String, String> labels, Duration wait, Instant now) {
    Path file = directory.resolve(GroupFileName.of(job, labels) + ".lock");
    String fix = ": set " + Defaults.LOCK_DIRECTORY_VARIABLE + " to a directory this user can write";
    try {
      Files.createDirectories(directory, SpoolFiles.ownerOnlyDirectory());
      LockFile.Held held = LockFile.acquire(file, System.nanoTime() + wait.toNanos(), true,
          SpoolFiles.ownerOnlyFile());
      if (held == null) {
        return new RunLock(file, null, readHolder(file));
      }
      writeHolder(held.channel(), now);
      return new RunLock(file, held, null);
    } catch (InterruptedIOException e) {
      return new RunLock(file, null, null);
    } catch (LockFile.NotRegularFileException e) {
      throw new IllegalStateException("The lock file '" + file + "' is not a regular file (a FIFO, directory, "
          + "device or link): remove it, or set " + Defaults.LOCK_DIRECTORY_VARIABLE + " to another directory", e);
    } catch (IOException | UnsupportedOperationException e) {
      if (e instanceof AccessDeniedException && Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
        // Another user's lock file, made owner-only by a version before lock files followed their directory.
        throw new IllegalStateException("The lock file '" + file + "' cannot be written by this user"
            + Preflight.owner(file) + ": have its owner remove it, or make it writable (chmod a+rw); lock files made "
            + "now are as writable as their directory", e);
      }
      throw new IllegalStateException("Cannot take the lock '" + file + "' (" + e.getClass().getSimpleName() + ": "
          + PushgatewaySink.oneLine(String.valueOf(e.getMessage())) + ")" + fix, e);
    }
  }

  /** The default directory: {@code locks} next to the spool's default, in this user's state directory. */
  static Path defaultDirectory(Map<String, String> env) {
    return Spool.defaultDirectory(env).resolveSibling("locks");
  }

  /**
   * The directory {@link Defaults#LOCK_DIRECTORY_VARIABLE} names, or null when it is unset.
   *
   * @throws IllegalArgumentException when it is set but empty (a template that expanded to nothing): taken as unset,
   *     users meant to share a directory would silently stop excluding each other
   */
  static Path fromEnvironment(Map<String, String> env) {
    String dir = env.get(Defaults.LOCK_DIRECTORY_VARIABLE);
    if (dir != null && dir.isBlank()) {
      throw BatchPush.Builder.setButEmpty(Defaults.LOCK_DIRECTORY_VARIABLE, Defaults.LOCK_DIRECTORY);
    }
    return dir == null ? null : Paths.get(dir);
  }

  /** Whether this run holds the lock; false when another run of the group held it for all of the wait. */
  public boolean acquired() {
    return held != null;
  }

  /** The lock file. */
  public Path file() {
    return file;
  }

  /**
   * Who held the lock when it was not acquired, as that holder wrote it ({@code pid 4242 since
   * 2026-11-26T02:30:00Z}); null when acquired, or when the file does not tell.
   */
  public String holder() {
    return holder;
  }

  /** Releases the lock (when acquired); closing it again does nothing. */
  @Override
  public void close() {
    if (held == null) {
      return;
    }
    try {
      held.close();
    } catch (IOException e) {
      // Closing the channel releases the OS lock even when close reports an error; the process's end would too.
    }
  }

  @Override
  public String toString() {
    return "RunLock{" + file + (acquired() ? ", acquired" : ", held by " + holder) + "}";
  }

  private static void writeHolder(FileChannel channel, Instant now) {
    byte[] text = ("pid " + ProcessHandle.current().pid() + " since " + now.truncatedTo(ChronoUnit.SECONDS) + "\n")
        .getBytes(StandardCharsets.US_ASCII);
    try {
      channel.truncate(0);
      channel.write(ByteBuffer.wrap(text), 0);
    } catch (IOException e) {
      // Only for the message of a run this one skips; the lock itself is held.
    }
  }

  /** What the holder wrote, when it is what holders write; never arbitrary content of the file. */
  private static String readHolder(Path file) {
    // As LockFile opens it: never following a link, and a FIFO swapped in meanwhile opens at once instead of blocking.
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE,
        LinkOption.NOFOLLOW_LINKS)) {
      ByteBuffer buffer = ByteBuffer.allocate(HOLDER_MAX_BYTES);
      channel.read(buffer, 0);
      String text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII).strip();
      return HOLDER.matcher(text).matches() ? text : null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
