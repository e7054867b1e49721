package io.github.batchpush;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.batchpush.testing.Pushgateway;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example in core/README.md is this code: the test runs it against the real gateway and checks that the
 * README still shows it verbatim.
 */
class ReadmeExampleTest {
  @TempDir
  Path spool;

  static int exportRows() {
    return 42;
  }

  @Test
  void theReadmeExampleRunsAgainstTheRealGateway() {
    try (Pushgateway gateway = Pushgateway.start()) {
      URI gatewayUri = gateway.uri();
      // snippet:core
      BatchPush push = BatchPush.builder()
          .gateway(gatewayUri)                    // e.g. URI.create("http://localhost:9091")
          .label("team", "data")
          .maxAge(Duration.ofHours(26))           // alert when the last success is older than this
          .spoolDirectory(spool)                  // optional; default ~/.local/state/batchpush/spool
          .build();

      try (JobRun run = push.start("nightly_report")) {
        int rows = exportRows();                  // ... the job ...
        run.gauge("records_processed", rows);
        run.succeeded();                          // without this, close() records a failure (exit code 1)
      }                                           // close() pushes; delivery problems are logged, not thrown
      // snippet:end
      assertThat(gateway.group("nightly_report", Map.of("team", "data")))
          .containsEntry("batch_job_records_processed", 42.0)
          .containsEntry("batch_job_exit_code", 0.0)
          .containsEntry("batch_job_max_age_seconds", 93600.0)
          .containsKey("batch_job_last_success_timestamp_seconds");
    }
  }

  @Test
  void theReadmeShowsTheTestedCodeVerbatim() throws IOException {
    String test = Files.readString(Paths.get("src/test/java/io/github/batchpush/ReadmeExampleTest.java"));
    Matcher m = Pattern.compile("// snippet:core\\n(.*?)\\n\\s*// snippet:end", Pattern.DOTALL).matcher(test);
    assertThat(m.find()).isTrue();
    String snippet = m.group(1).lines().map(l -> l.length() >= 6 ? l.substring(6) : l.strip())
        .collect(Collectors.joining("\n"));
    assertThat(Files.readString(Paths.get("README.md"))).contains(snippet);
  }
}
