package io.github.batchpush.cli;

import static io.github.batchpush.cli.Launch.batchpush;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.batchpush.testing.FaultServer;
import io.github.batchpush.testing.FaultServer.Fault;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * No message shows a secret: not a URL's user info, whatever makes the URL invalid and whichever way it was given,
 * and not the credentials a gateway's (or a proxy's) error body echoes. Messages go to cron mail.
 */
class SecretsInMessagesIT {
  @TempDir
  Path dir;

  /** Each way a gateway URL reaches batchpush, and how its message names it. */
  enum Face {
    RUN_OPTION("Invalid --gateway"), RUN_VARIABLE("Invalid BATCHPUSH_GATEWAY"), FLUSH_FROM("Invalid --from-gateway"),
    DELETE_OPTION("Invalid --gateway");

    final String prefix;

    Face(String prefix) {
      this.prefix = prefix;
    }

    Launch launch(String url, Path dir) {
      switch (this) {
        case RUN_OPTION:
          return batchpush("run", "--job", "x", "--gateway", url, "--", "touch", dir.resolve("ran").toString());
        case RUN_VARIABLE:
          return batchpush("run", "--job", "x", "--", "touch", dir.resolve("ran").toString())
              .env("BATCHPUSH_GATEWAY", url);
        case FLUSH_FROM:
          return batchpush("flush", "--gateway", "http://127.0.0.1:9", "--spool-dir", dir.resolve("spool").toString(),
              "--from-gateway", url);
        default:
          return batchpush("delete", "--job", "x", "--gateway", url);
      }
    }
  }

  static Stream<Arguments> facesAndUrls() {
    return Stream.of(Face.values()).flatMap(face -> Stream.of("http://admin:S3CRET@push_gw:9091",
        "admin:S3CRET@gw:9091", "ftp://admin:S3CRET@gw_x/").map(url -> Arguments.of(face, url)));
  }

  @ParameterizedTest(name = "{0} [{1}]")
  @MethodSource("facesAndUrls")
  void aGatewayUrlWithCredentialsIsRefusedMaskedWhicheverWayItCame(Face face, String url) {
    Launch.Result r = face.launch(url, dir).run();

    assertThat(r.exitCode()).isEqualTo(125);
    assertThat(r.stderr()).startsWith("batchpush: " + face.prefix + ": Invalid gateway URL: '").contains("***")
        .doesNotContain("S3CRET").hasLineCount(1);
    assertThat(dir.resolve("ran")).as("COMMAND ran").doesNotExist();
  }

  @Test
  void anErrorBodyEchoingTheRequestShowsOneShortLineWithoutTheCredentials() {
    try (FaultServer proxy = FaultServer.start(null, Fault.echo(400))) {
      Launch.Result r = batchpush("run", "--job", "echo_job", "--gateway", proxy.uri().toString(), "--username",
          "ops", "--spool-dir", dir.resolve("spool").toString(), "--", "sh", "-c", "exit 2")
          .env("BATCHPUSH_PASSWORD", "pw-S3CRET-5").run();

      assertThat(r.exitCode()).isEqualTo(2);
      // A 400 keeps the run spooled (the refusal may pass, as the gateway's type conflicts do).
      assertThat(r.stderr()).startsWith("batchpush: push of {job=\"echo_job\"} to " + proxy.uri() + " failed: "
          + "gateway rejected the metrics (400): upstream refused POST /metrics/job/echo_job HTTP/1.1 sent with "
          + "Authorization: ***; run spooled to " + dir.resolve("spool")).endsWith(" for the next delivery\n")
          .doesNotContain("S3CRET").doesNotContain("b3BzOnB3LVMzQ1JFVC01").hasLineCount(1);
    }
  }

  @Test
  void anErrorBodyIsCutTo200Characters() throws Exception {
    String job = "a_job_whose_name_is_long_enough_to_push_the_first_line_of_the_echo_past_two_hundred_characters_"
        + "even_once_the_token_in_it_is_gone";
    Path token = Files.writeString(dir.resolve("token"), "tok-S3CRET-6.abcdef\n");
    try (FaultServer proxy = FaultServer.start(null, Fault.echo(418))) {
      Launch.Result r = batchpush("delete", "--job", job, "--gateway", proxy.uri().toString(),
          "--bearer-token-file", token.toString()).run();

      assertThat(r.exitCode()).isEqualTo(1);
      String prefix = "batchpush: delete of {job=\"" + job + "\"} to " + proxy.uri() + " failed: HTTP 418: ";
      assertThat(r.stderr()).startsWith(prefix + "upstream refused DELETE /metrics/job/" + job).hasLineCount(1)
          .doesNotContain("S3CRET");
      assertThat(r.stderr().strip().substring(prefix.length())).hasSize(200).endsWith("...");
    }
  }
}
