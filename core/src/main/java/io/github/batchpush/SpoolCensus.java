package io.github.batchpush;

import java.io.IOException;
import java.net.URI;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts what waits in a spool, for one gateway and for the others, looking only: nothing is sent, written, moved or
 * deleted, and a spool directory that does not exist yet is not created. What {@link BatchPush#spoolBacklog()}
 * reports, and what the library's {@link OtherGatewaysWarning} looks at.
 *
 * <pre>{@code
 * SpoolReport backlog = SpoolCensus.count(spool, "http://127.0.0.1:9091");   // remaining(), otherGateways()
 * }</pre>
 *
 * <p>It counts the run files of each gateway's queue, the runs batchpush 0.1 left at the top of the spool (the next
 * delivery moves them to their gateway's queue, or to its own when they name none), and the run a delivery killed
 * while pushing left in the journal. The journal is read under the spool's lock, and only when no delivery holds it:
 * the lock is tried once, never waited for, and held as long as one read takes. While a delivery runs, the files are
 * still counted (it may be sending some of them) and the journal is left alone.
 */
final class SpoolCensus {
  private SpoolCensus() {}

  /** What waits in {@code spool}: {@link SpoolReport#remaining()} for {@code gateway}, the rest by gateway. */
  static SpoolReport count(Spool spool, String gateway) throws IOException {
    Path directory = spool.directory();
    if (!Files.isDirectory(directory)) {
      return SpoolReport.EMPTY;
    }
    Path own = SpoolQueue.of(directory, gateway).directory();
    Map<String, Integer> waiting = new TreeMap<>();
    try (DirectoryStream<Path> top = Files.newDirectoryStream(directory)) {
      for (Path p : top) {
        String name = p.getFileName().toString();
        if (SpoolQueue.isQueueName(name) && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          SpoolQueue queue = p.equals(own) ? SpoolQueue.of(directory, gateway) : SpoolQueue.existing(p);
          if (queue != null) {
            waiting.merge(queue.gateway(), queue.count(), Integer::sum);
          }
        } else if (name.endsWith(SpoolFiles.RUN_SUFFIX) && !name.startsWith(".")) {
          SpoolFiles.Run legacy = readable(p);
          if (legacy != null) {
            add(waiting, legacy.gateway(), gateway);
          }
        }
      }
    }
    SpoolFiles.Run inFlight = leftInFlight(spool);
    if (inFlight != null) {
      add(waiting, inFlight.gateway(), gateway);
    }
    Integer here = waiting.remove(gateway);
    Map<URI, Integer> others = new TreeMap<>();
    waiting.forEach((url, runs) -> {
      if (runs > 0) {
        others.merge(URI.create(url), runs, Integer::sum);
      }
    });
    return new SpoolReport(0, here == null ? 0 : here, others, 0, 0, null);
  }

  /** Counts one run for {@code spooledFor}, or for {@code gateway} when it names none (it then goes to any). */
  private static void add(Map<String, Integer> waiting, String spooledFor, String gateway) {
    waiting.merge(spooledFor != null ? spooledFor : gateway, 1, Integer::sum);
  }

  /** An old run file, or null when it is unreadable: the next delivery sets it aside, so it does not count. */
  private static SpoolFiles.Run readable(Path file) {
    try {
      return SpoolFiles.readRun(file);
    } catch (IOException e) {
      return null;
    }
  }

  /** The run a killed delivery left in the journal, when the lock is free to read it; else null. */
  private static SpoolFiles.Run leftInFlight(Spool spool) {
    Path lockFile = spool.lockFile();
    if (!Files.isRegularFile(lockFile, LinkOption.NOFOLLOW_LINKS)) {
      return null;
    }
    // Tried once: a delivery holding the lock has its own run in flight there, which is not waiting.
    try (LockFile.Held held = LockFile.acquire(lockFile, System.nanoTime())) {
      return held == null ? null : Journal.read(held.channel()).leftInFlight();
    } catch (IOException e) {
      // Not this user's lock file, or one too damaged to read: the next delivery says so; the files still count.
      return null;
    }
  }
}
