package io.github.batchpush;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.RandomAccessFile;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Secret files and CA bundles are read with a bound and only when they are regular files: a wrong path fails the
 * build in one line, and never blocks on a FIFO or reads a device until the heap runs out.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SecretFilesTest {
  @TempDir
  Path tmp;

  private static BatchPush.Builder builder() {
    return BatchPush.builder().gateway(URI.create("https://h:1")).noSpool();
  }

  private static void assertInvalid(Runnable r, String message) {
    assertThatThrownBy(r::run).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
  }

  @Test
  void aFifoWithoutAWriterIsRefusedRatherThanWaitedOn() throws Exception {
    Path fifo = tmp.resolve("token-fifo");
    assertThatMkfifoWorks(fifo);
    assertInvalid(() -> builder().bearerToken(fifo).build(), "The bearer token file '" + fifo + "' is not a regular "
        + "file (a FIFO, socket or device): give the file itself");
  }

  @Test
  void aDeviceIsRefusedRatherThanReadUntilTheHeapRunsOut() {
    Path zero = Path.of("/dev/zero");
    assertInvalid(() -> builder().basicAuth("u", zero).build(),
        "The password file '/dev/zero' is not a regular file (a FIFO, socket or device): give the file itself");
  }

  @Test
  void aSymbolicLinkToADeviceIsRefusedToo() throws Exception {
    Path link = Files.createSymbolicLink(tmp.resolve("ca.pem"), Path.of("/dev/zero"));
    assertInvalid(() -> builder().caCertificates(link).build(), "The CA certificate file '" + link + "' is not a "
        + "regular file (a FIFO, socket or device): give the file itself");
  }

  @Test
  void aDirectoryIsRefusedNamingItAsOne() {
    assertInvalid(() -> builder().bearerToken(tmp).build(),
        "The bearer token file '" + tmp + "' is not a regular file (a directory): give the file itself");
  }

  @Test
  void aSecretFileLargerThan64KibIsRefused() throws Exception {
    Path big = hundredMegabytes("password");
    assertInvalid(() -> builder().basicAuth("u", big).build(),
        "The password file '" + big + "' is larger than 64 KiB: is it the right file?");
  }

  @Test
  void aCaBundleLargerThan16MibIsRefused() throws Exception {
    Path big = hundredMegabytes("ca.pem");
    assertInvalid(() -> builder().caCertificates(big).build(),
        "The CA certificate file '" + big + "' is larger than 16384 KiB: is it the right file?");
  }

  @Test
  void aSecretFileThatIsNotUtf8SaysSo() throws Exception {
    Path latin1 = Files.write(tmp.resolve("password"), new byte[] {'p', (byte) 0xe4, 's', 's'});
    assertInvalid(() -> builder().basicAuth("u", latin1).build(),
        "The password file '" + latin1 + "' is not UTF-8 text: save the secret in it as UTF-8");
  }

  @Test
  void theOptionOrVariableTheFileCameThroughIsNamed() {
    assertInvalid(() -> builder().set(Setting.CA_CERT, "/dev/zero", "BATCHPUSH_CA_CERT").build(),
        "Invalid BATCHPUSH_CA_CERT: The CA certificate file '/dev/zero' is not a regular file (a FIFO, socket or "
            + "device): give the file itself");
  }

  /** Sparse: it takes no disk, and reads as zeros. */
  private Path hundredMegabytes(String name) throws Exception {
    Path file = tmp.resolve(name);
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.setLength(100L * 1024 * 1024);
    }
    return file;
  }

  private static void assertThatMkfifoWorks(Path fifo) throws Exception {
    Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
    if (!mkfifo.waitFor(10, TimeUnit.SECONDS) || mkfifo.exitValue() != 0) {
      throw new AssertionError("mkfifo " + fifo + " failed");
    }
  }
}
