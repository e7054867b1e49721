package io.github.batchpush;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@link JobRun#maxAge()}: what a run will declare, without pushing anything. */
class RunMaxAgeTest {
  private static final URI NEVER_CONTACTED = URI.create("http://127.0.0.1:9");

  @Test
  void aRunDeclaresTheBatchPushsMaxAgeByDefault() {
    BatchPush push = BatchPush.builder().gateway(NEVER_CONTACTED).noSpool().maxAge(Duration.ofHours(26)).build();

    assertThat(push.start("max_age_default").maxAge()).isEqualTo(Duration.ofHours(26));
  }

  @Test
  void aRunsOwnMaxAgeWins() {
    BatchPush push = BatchPush.builder().gateway(NEVER_CONTACTED).noSpool().maxAge(Duration.ofHours(26)).build();

    assertThat(push.start("max_age_own").maxAge(Duration.ofMinutes(90)).maxAge()).isEqualTo(Duration.ofMinutes(90));
  }

  @Test
  void withoutAnyMaxAgeARunDeclaresNone() {
    BatchPush push = BatchPush.builder().gateway(NEVER_CONTACTED).noSpool().build();

    assertThat(push.start("max_age_none").maxAge()).isNull();
  }
}
