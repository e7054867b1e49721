package io.github.batchpush;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An exclusive lock on a file, between the threads of this JVM and between processes, given up at a deadline: the
 * spool, the textfile writer and the overlap lock of runs ({@link RunLock}) all take theirs here.
 *
 * <pre>{@code
 * try (LockFile.Held held = LockFile.acquire(dir.resolve(".lock"), deadlineNanos)) {
 *   if (held == null) {
 *     // another holder kept it past the deadline
 *   }
 * }
 * }</pre>
 *
 * <p>An OS file lock belongs to the process, so threads of one JVM first take a lock of their own, keyed by the
 * file's real path: two instances reaching the file through a symbolic link must share it, or the second one's
 * {@code tryLock()} throws {@link OverlappingFileLockException}. That lock is a permit, not a thread's: a lock
 * taken on one thread may be released on another (a shutdown hook, a callback). The OS lock goes with the process,
 * so one killed while holding it (SIGKILL included) blocks nobody, and the file it leaves behind is not a lock; one
 * stopped (SIGSTOP, a hung NFS mount) holds it until the others' deadlines. Java's process launcher closes every
 * descriptor but stdin, stdout and stderr in a child before it runs, so a command started meanwhile never holds it.
 */
final class LockFile {
  private static final Map<Path, Semaphore> JVM_LOCKS = new ConcurrentHashMap<>();
  private static final Map<Path, Path> REAL_DIRECTORIES = new ConcurrentHashMap<>();
  private static final long POLL_MILLIS = 5;

  private LockFile() {}

  /** The lock file exists but is a FIFO, a device, a directory or a symbolic link: nothing to lock safely. */
  static final class NotRegularFileException extends IOException {
    private static final long serialVersionUID = 1L;

    NotRegularFileException(Path file) {
      super(file + " is not a regular file");
    }
  }

  /**
   * Takes the lock on {@code file}, creating it with {@code attributes} when missing; null when another holder kept
   * it until {@code deadlineNanos} (a {@link System#nanoTime()}).
   *
   * @throws NotRegularFileException when {@code file} is a special file or a link, which is never opened
   * @throws InterruptedIOException when the thread is interrupted while waiting (its flag is set again)
   */
  static Held acquire(Path file, long deadlineNanos, FileAttribute<?>... attributes) throws IOException {
    return acquire(file, deadlineNanos, false, attributes);
  }

  /**
   * The mode for lock files in {@code directory}: as writable as the directory, this user's only in a private one,
   * and in one that users share (a team's lock or textfile directory), by those who may write there too, since
   * taking the lock needs the file open for writing. A lock file holds no secret.
   */
  private static Set<PosixFilePermission> asWritableAs(Path directory) {
    Set<PosixFilePermission> mode = EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    try {
      Set<PosixFilePermission> shared = Files.getPosixFilePermissions(directory);
      if (shared.contains(PosixFilePermission.GROUP_WRITE)) {
        mode.addAll(List.of(PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE));
      }
      if (shared.contains(PosixFilePermission.OTHERS_WRITE)) {
        mode.addAll(List.of(PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE));
      }
    } catch (IOException | UnsupportedOperationException e) {
      // not POSIX, or gone: the owner's only
    }
    return mode;
  }

  /**
   * As {@link #acquire(Path, long, FileAttribute[])}; with {@code asWritableAsDirectory}, a file it creates is then
   * made as writable as its directory (the umask aside), so that the other users of a shared directory can open it
   * for writing too, which their lock needs.
   */
  static Held acquire(Path file, long deadlineNanos, boolean asWritableAsDirectory, FileAttribute<?>... attributes)
      throws IOException {
    checkRegularOrAbsent(file);
    Semaphore jvmLock = JVM_LOCKS.computeIfAbsent(realPath(file), f -> new Semaphore(1));
    try {
      if (!jvmLock.tryAcquire(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS)) {
        return null;
      }
    } catch (InterruptedException e) {
      throw interrupted(file);
    }
    FileChannel channel = null;
    try {
      channel = open(file, asWritableAsDirectory, attributes);
      checkRegularOrAbsent(file);
      if (!awaitFileLock(channel, deadlineNanos, file)) {
        channel.close();
        jvmLock.release();
        return null;
      }
      return new Held(jvmLock, channel);
    } catch (IOException | RuntimeException | Error e) {
      if (channel != null) {
        channel.close();
      }
      jvmLock.release();
      throw e;
    }
  }

  /**
   * Opens the file, creating it when missing. An existing file is opened without O_CREAT: in a shared sticky
   * directory the kernel (fs.protected_regular) refuses O_CREAT on another user's file, even one it may write. READ as
   * well as WRITE: a FIFO swapped in after the check opens at once instead of blocking.
   */
  private static FileChannel open(Path file, boolean asWritableAsDirectory, FileAttribute<?>[] attributes)
      throws IOException {
    for (int attempt = 1; ; attempt++) {
      try {
        return FileChannel.open(file, Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE,
            LinkOption.NOFOLLOW_LINKS));
      } catch (NoSuchFileException absent) {
        try {
          FileChannel created = FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW,
              StandardOpenOption.READ, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS), attributes);
          if (asWritableAsDirectory) {
            setMode(file, asWritableAs(file.toAbsolutePath().getParent()));
          }
          return created;
        } catch (FileAlreadyExistsException createdMeanwhile) {
          if (attempt == 3) {
            throw createdMeanwhile;
          }
        }
      }
    }
  }

  private static void setMode(Path file, Set<PosixFilePermission> mode) {
    // Never through a link: in a shared directory another user could swap one in for the file just created.
    PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class,
        LinkOption.NOFOLLOW_LINKS);
    try {
      if (view != null) {
        view.setPermissions(mode);
      }
    } catch (IOException e) {
      // it stays this user's only: the others find out when they try, in one line naming the file
    }
  }

  /** The file's path through its directory's real path, looked up once per directory and JVM. */
  private static Path realPath(Path file) throws IOException {
    Path directory = file.toAbsolutePath().getParent();
    Path real = REAL_DIRECTORIES.get(directory);
    if (real == null) {
      real = directory.toRealPath();
      REAL_DIRECTORIES.put(directory, real);
    }
    return real.resolve(file.getFileName());
  }

  private static void checkRegularOrAbsent(Path file) throws IOException {
    try {
      if (!Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isRegularFile()) {
        throw new NotRegularFileException(file);
      }
    } catch (NoSuchFileException absent) {
      // created when opened
    }
  }

  private static boolean awaitFileLock(FileChannel channel, long deadlineNanos, Path file) throws IOException {
    while (tryFileLock(channel) == null) {
      if (System.nanoTime() >= deadlineNanos) {
        return false;
      }
      try {
        Thread.sleep(POLL_MILLIS);
      } catch (InterruptedException e) {
        throw interrupted(file);
      }
    }
    return true;
  }

  /** The OS lock, or null while another process (or this JVM, through another channel) holds it. */
  private static FileLock tryFileLock(FileChannel channel) throws IOException {
    try {
      return channel.tryLock();
    } catch (OverlappingFileLockException e) {
      return null;
    }
  }

  private static InterruptedIOException interrupted(Path file) {
    Thread.currentThread().interrupt();
    return new InterruptedIOException("interrupted while waiting for the lock " + file);
  }

  /** A lock held; closing it releases both parts. */
  static final class Held implements AutoCloseable {
    private final Semaphore jvmLock;
    private final FileChannel channel;
    private final AtomicBoolean open = new AtomicBoolean(true);

    private Held(Semaphore jvmLock, FileChannel channel) {
      this.jvmLock = jvmLock;
      this.channel = channel;
    }

    /** The open lock file, for a holder that keeps content in it. */
    FileChannel channel() {
      return channel;
    }

    /** Releases the lock; closing it again does nothing (a second permit would let two holders in). */
    @Override
    public void close() throws IOException {
      if (!open.compareAndSet(true, false)) {
        return;
      }
      try {
        channel.close(); // releases the file lock too, even where release() would throw
      } finally {
        jvmLock.release();
      }
    }
  }
}
