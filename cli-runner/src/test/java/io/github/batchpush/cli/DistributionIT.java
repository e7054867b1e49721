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
    assertThat(home.resolve("share/man/man1/batchpush-run.1")).content()
        .contains(".TH \"BATCHPUSH\\-RUN\" \"1\"").contains("\\fB\\-\\-job\\fP=\\fINAME\\fP");
    // Laid out as a prefix: man finds the pages by name under share/man, as it does under /usr/local.
    Process where = new ProcessBuilder("man", "-M", home.resolve("share/man").toString(), "-w", "batchpush-run")
        .redirectErrorStream(true).start();
    assertThat(new String(where.getInputStream().readAllBytes()).strip())
        .isEqualTo(home.resolve("share/man/man1/batchpush-run.1").toString());
    assertThat(home.resolve("share/doc/batchpush/README.md")).exists();
    assertThat(man(home.resolve("share/man/man1/batchpush.1")))
        .contains("batchpush - Runs batch jobs and pushes what happened to a Prometheus Pushgateway.");
    assertThat(man(home.resolve("share/man/man1/batchpush-run.1")))
        .contains("batchpush-run - Runs COMMAND and pushes how it went.").contains("--job=NAME")
        // batchpush's own default, whatever BATCHPUSH_GATEWAY the build ran with.
        .containsPattern("BATCHPUSH_GATEWAY;\\s+default:\\s+http://localhost:9091\\)");
    Path link = Files.createSymbolicLink(dir.resolve("batchpush"), home.resolve("bin/batchpush"));

    Process p = new ProcessBuilder(link.toString(), "--version").redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();

    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).startsWith("batchpush 0.1.0-SNAPSHOT\n");
  }

  @Test
  void theCheckCommandHasItsManPageAndItsCompletion() throws Exception {
    Process tar = new ProcessBuilder("tar", "xzf", TARBALL.toString(), "-C", dir.toString()).inheritIO().start();
    assertThat(tar.waitFor(30, TimeUnit.SECONDS)).isTrue();
    Path home = dir.resolve("batchpush-0.1.0-SNAPSHOT");

    assertThat(man(home.resolve("share/man/man1/batchpush-check.1")))
        .contains("batchpush-check - Checks configuration, gateway, job and spool; pushes nothing.")
        .contains("--job=NAME", "--no-spool", "EXIT CODES:", "Bad configuration");
    assertThat(man(home.resolve("share/man/man1/batchpush.1"))).containsPattern(
        "check\\s+Checks configuration, gateway, job and spool; pushes nothing.");
    assertThat(home.resolve("share/bash-completion/completions/batchpush")).content()
        .contains("function _picocli_batchpush_check()");
  }

  /** The page as man shows it, plain text: proof that it is a man page, not just a file named like one. */
  private static String man(Path page) throws Exception {
    ProcessBuilder pb = new ProcessBuilder("man", "-l", "-P", "cat", page.toString()).redirectErrorStream(true);
    pb.environment().put("MANWIDTH", "100");
    pb.environment().put("LC_ALL", "C.UTF-8");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out.replaceAll(".\b", ""); // overstrike bold/underline, should a pager setting leave it in
  }
}
