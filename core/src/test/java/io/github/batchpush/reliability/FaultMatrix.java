package io.github.batchpush.reliability;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Locale;

/**
 * Appends each fault's measured delay to {@code target/fault-matrix.tsv} (fault, result, milliseconds), so the fault
 * matrix in the issue can be filled with real numbers.
 *
 * <pre>{@code
 * FaultMatrix.record("gateway down", "spooled, delivered on recovery", delay);
 * }</pre>
 */
final class FaultMatrix {
  static final Path FILE = Path.of("target", "fault-matrix.tsv");

  private FaultMatrix() {}

  private static boolean started;

  static synchronized void record(String fault, String result, Duration delay) {
    String line = String.format(Locale.ROOT, "%s\t%s\t%d%n", fault, result, delay.toMillis());
    System.out.print("fault-matrix: " + line);
    try {
      Files.createDirectories(FILE.getParent());
      // One test run, one table: the first line of this JVM replaces what an earlier build left.
      StandardOpenOption mode = started ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING;
      started = true;
      Files.writeString(FILE, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          mode);
    } catch (IOException e) {
      throw new IllegalStateException("cannot record to " + FILE + ": " + e, e);
    }
  }

  /** Runs {@code action} and returns how long it took. */
  static Duration time(Runnable action) {
    long start = System.nanoTime();
    action.run();
    return Duration.ofNanos(System.nanoTime() - start);
  }
}
