package io.github.batchpush.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tar.gz: its bin/batchpush finds ../lib/batchpush.jar, also when called through a symlink. */
class DistributionIT {
  static final Path TARBALL = Paths.get(System.getProperty("batchpush.tarball",
      "target/batchpush-0.1.0-SNAPSHOT.tar.gz")).toAbsolutePath();

  @TempDir
  Path dir;

  @Test
  void theLauncherInTheTarballRunsThroughASymlink() throws Exception {
    Process tar = new ProcessBuilder("tar", "xzf", TARBALL.toString(), "-C", dir.toString()).inheritIO().start();
    assertThat(tar.waitFor(30, TimeUnit.SECONDS)).isTrue();
    Path home = dir.resolve("batchpush-0.1.0-SNAPSHOT");
    assertThat(home.resolve("lib/batchpush.jar")).isRegularFile();
    assertThat(home.resolve("share/bash-completion/completions/batchpush")).content().contains("batchpush");
    assertThat(home.resolve("share/man/asciidoc/batchpush-run.adoc")).content().contains("*--job*=_NAME_");
    Path link = Files.createSymbolicLink(dir.resolve("batchpush"), home.resolve("bin/batchpush"));

    Process p = new ProcessBuilder(link.toString(), "--version").redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();

    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).startsWith("batchpush 0.1.0-SNAPSHOT\n");
  }
}
