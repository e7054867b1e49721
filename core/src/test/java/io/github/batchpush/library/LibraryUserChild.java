package io.github.batchpush.library;

import io.github.batchpush.BatchPush;
import io.github.batchpush.JobRun;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A library user's process, as {@link LibraryUserTest} starts it: one successful run of {@code child_job} per
 * gateway URL given, in order, all through one spool directory. It prints nothing itself.
 *
 * <pre>{@code
 * java -cp ... LibraryUserChild SPOOL_DIR GATEWAY_URL...
 * }</pre>
 */
public final class LibraryUserChild {
  private LibraryUserChild() {}

  public static void main(String[] args) {
    for (int i = 1; i < args.length; i++) {
      BatchPush push = BatchPush.builder().gateway(URI.create(args[i])).spoolDirectory(Path.of(args[0]))
          .deadline(Duration.ofMillis(500)).build();
      try (JobRun run = push.start("child_job")) {
        run.succeeded();
      }
    }
  }
}
