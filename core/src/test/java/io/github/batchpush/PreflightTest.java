package io.github.batchpush;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link BatchPush#preflight()} finds a spool directory that cannot be used before any run, one line per problem,
 * and changes nothing on disk. (A directory this user may not write is covered through the CLI, which can run as an
 * unprivileged user: root may write anywhere.)
 */
class PreflightTest {
  @TempDir
  Path tmp;

  private BatchPush withSpool(Path spool) {
    return BatchPush.builder().gateway(URI.create("http://h:1")).spoolDirectory(spool).build();
  }

  @Test
  void anExistingDirectoryIsReady() {
    assertThat(withSpool(tmp).preflight()).isEmpty();
  }

  @Test
  void aDirectoryThatCanBeCreatedIsReadyAndIsNotCreatedYet() {
    Path spool = tmp.resolve("state/batchpush/spool");
    assertThat(withSpool(spool).preflight()).isEmpty();
    assertThat(tmp.resolve("state")).doesNotExist();
  }

  @Test
  void aFileIsNotASpoolDirectory() throws Exception {
    Path file = Files.writeString(tmp.resolve("spool"), "");
    assertThat(withSpool(file).preflight()).containsExactly("The spool directory '" + file + "' is not a directory: "
        + "set spoolDirectory(Path) to a directory this user can write");
  }

  @Test
  void aDirectoryUnderAFileCannotBeCreated() throws Exception {
    Path file = Files.writeString(tmp.resolve("state"), "");
    Path spool = file.resolve("batchpush/spool");
    assertThat(withSpool(spool).preflight()).containsExactly("The spool directory '" + spool + "' cannot be "
        + "created: '" + file + "' is not a directory: set spoolDirectory(Path) to a directory this user can write");
  }

  @Test
  void theFixNamesTheKeyTheDirectoryWasSetThrough() throws Exception {
    Path file = Files.writeString(tmp.resolve("spool"), "");
    BatchPush push = BatchPush.builder().gateway(URI.create("http://h:1"))
        .set(Setting.SPOOL_DIR, file.toString(), "BATCHPUSH_SPOOL_DIR").build();
    assertThat(push.preflight()).singleElement().asString().endsWith(": set BATCHPUSH_SPOOL_DIR to a directory "
        + "this user can write");
  }

  @Test
  void withoutASpoolThereIsNothingToCheck() throws Exception {
    Path file = Files.writeString(tmp.resolve("spool"), "");
    assertThat(BatchPush.builder().gateway(URI.create("http://h:1")).spoolDirectory(file).noSpool().build()
        .preflight()).isEmpty();
  }
}
