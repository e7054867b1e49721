package io.github.batchpush;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.NightlyReport;
import io.github.batchpush.testing.ChildJvm;
import io.github.batchpush.testing.Pushgateway;
import io.github.batchpush.testing.RealPushgateway;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example in core/README.md (and the top README) is {@code com.example.NightlyReport}, a whole source file of
 * this module's tests in a package of its own, so that it compiles as pasted with nothing but batchpush's public
 * API: the test checks that the README shows that file verbatim, and runs it as a program against the real gateway.
 */
class ReadmeExampleTest {
  static final Path EXAMPLE = Paths.get("src/test/java/com/example/NightlyReport.java");

  @RealPushgateway
  static Pushgateway gateway;

  @TempDir
  Path state;

  @Test
  void theReadmeShowsTheWholeExampleFileVerbatim() throws IOException {
    String example = Files.readString(EXAMPLE);

    assertThat(javaBlock(Files.readString(Paths.get("README.md")))).isEqualTo(example);
  }

  @Test
  void theExampleRegistersTheJobAtInstallAndPushesItsRunsAsTheReadmeSays() throws Exception {
    ChildJvm program = ChildJvm.of(NightlyReport.class).env("XDG_STATE_HOME", state.toString());

    ChildJvm.Result install = program.run(gateway.uri().toString(), "register");
    Map<String, Double> declared = gateway.group("nightly_report", Map.of("team", "data"));
    ChildJvm.Result run = program.run(gateway.uri().toString());

    assertThat(install.exitCode()).as(install.stderr()).isZero();
    assertThat(declared).containsEntry("batch_job_max_age_seconds", 93600.0)
        .containsKey("batch_job_registered_timestamp_seconds").doesNotContainKey("batch_job_exit_code");
    assertThat(run.exitCode()).as(run.stderr()).isZero();
    assertThat(gateway.group("nightly_report", Map.of("team", "data")))
        .containsEntry("batch_job_records_processed", 42.0)
        .containsEntry("batch_job_exit_code", 0.0)
        .containsEntry("batch_job_max_age_seconds", 93600.0)
        .containsEntry("batch_job_registered_timestamp_seconds",
            declared.get("batch_job_registered_timestamp_seconds"))
        .containsKey("batch_job_last_success_timestamp_seconds");
  }

  /** The one Java block of a README. */
  static String javaBlock(String markdown) {
    Matcher m = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(markdown);
    assertThat(m.find()).as("a ```java block").isTrue();
    String block = m.group(1);
    assertThat(m.find()).as("a second ```java block").isFalse();
    return block;
  }
}
