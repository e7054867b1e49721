package io.github.batchpush;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One log line per kind of problem, with a count, however many times it happened. */
class SpoolProblemsTest {
  private static String logged(SpoolProblems problems) {
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      problems.log();
    } finally {
      System.setErr(original);
    }
    return captured.toString(StandardCharsets.UTF_8);
  }

  @Test
  void oneProblemIsOneLineNamingIt() {
    SpoolProblems problems = new SpoolProblems();
    problems.setAside("spooled run a.run", Path.of("/spool/corrupt"), "not a regular file (a FIFO, socket or device)");

    assertThat(logged(problems)).isEqualTo("[main] ERROR io.github.batchpush.Spool - batchpush: spooled run a.run "
        + "moved to /spool/corrupt/: not a regular file (a FIFO, socket or device)\n");
  }

  @Test
  void manyProblemsOfOneKindAreOneLineWithTheirCountAndTheFirst() {
    SpoolProblems problems = new SpoolProblems();
    for (int i = 0; i < 1000; i++) {
      problems.setAside("spooled run " + i + ".run", Path.of("/spool/corrupt"), "unreadable (" + i + ")");
    }

    assertThat(logged(problems)).isEqualTo("[main] ERROR io.github.batchpush.Spool - batchpush: 1000 spool files "
        + "moved to /spool/corrupt/ (the first, spooled run 0.run: unreadable (0))\n");
  }

  @Test
  void eachKindHasItsOwnLineAndASpooledRunIsNamedAsOne() {
    SpoolProblems problems = new SpoolProblems();
    Push spooled = new Push("batch_job", "older_job", Map.of(), List.of(new Push.Sample("batch_job_exit_code", "h",
        null, null, 1)), Instant.parse("2026-11-25T12:00:05Z"));
    problems.refused(spooled, new GatewayRejectedException("push of {job=\"older_job\"} to http://gw failed: "
        + "forbidden (403)", 403, ""));
    problems.droppedForAge(() -> "{job=\"aged_job\"} of 2026-11-17T12:00:00Z", Duration.ofDays(7));
    problems.droppedForAge(() -> "b.run of 2026-11-17T13:00:00Z", Duration.ofDays(7));

    assertThat(logged(problems).lines()).containsExactly(
        "[main] ERROR io.github.batchpush.Spool - batchpush: DROPPED 2 spooled runs older than the spool's limit "
            + "of PT168H (the oldest, {job=\"aged_job\"} of 2026-11-17T12:00:00Z)",
        "[main] WARN io.github.batchpush.Spool - batchpush: spooled run {job=\"older_job\"} of 2026-11-25T12:00:05Z "
            + "refused: push of {job=\"older_job\"} to http://gw failed: forbidden (403); it stays spooled, the "
            + "other groups go on");
  }

  @Test
  void whatWasLoggedIsNotLoggedAgain() {
    SpoolProblems problems = new SpoolProblems();
    problems.warn("once");
    logged(problems);

    assertThat(logged(problems)).isEmpty();
  }
}
