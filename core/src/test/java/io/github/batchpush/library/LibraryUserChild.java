package io.github.batchpush.library;

import io.github.batchpush.BatchPush;
import io.github.batchpush.JobRun;
import io.github.batchpush.Setting;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A library user's process, as {@link LibraryUserTest} starts it: one successful run of {@code child_job} per
 * gateway URL given, in order, all through one spool directory. It prints nothing itself. With {@code -Dface} it
 * builds its instances as a face (the command line, Spring) does.
 *
 * <pre>{@code
 * java -cp ... LibraryUserChild SPOOL_DIR GATEWAY_URL...
 * }</pre>
 */
public final class LibraryUserChild {
  private LibraryUserChild() {}

  public static void main(String[] args) {
    boolean face = System.getProperty("face") != null;
    for (int i = 1; i < args.length; i++) {
      BatchPush.Builder b = BatchPush.builder().gateway(URI.create(args[i])).spoolDirectory(Path.of(args[0]))
          .deadline(Duration.ofMillis(500));
      // As the command line and Spring build theirs: naming settings by their own option or property names.
      BatchPush push = (face ? b.keyNames(Setting::environmentVariable) : b).build();
      try (JobRun run = push.start("child_job")) {
        run.succeeded();
      }
    }
  }
}
