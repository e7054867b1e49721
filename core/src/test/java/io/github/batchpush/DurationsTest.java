package io.github.batchpush;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {
  @ParameterizedTest
  @CsvSource({"90s, PT1M30S", "26h, PT26H", "1d, PT24H", "250ms, PT0.25S", "PT15M, PT15M", "36500d, PT876000H"})
  void parsesTheFormsUsersWrite(String text, String iso) {
    assertThat(Durations.parse(text)).isEqualTo(Duration.parse(iso));
  }

  // Review M7: these overflowed inside Duration or later in toNanos()/toMillis(), and `batchpush run --timeout
  // 999999999999d` ran COMMAND, then ended in "internal error: ArithmeticException: long overflow".
  @ParameterizedTest
  @ValueSource(strings = {"36501d", "999999999999d", "999999999999999d", "99999999999999999999999d", "PT9999999999999H",
      "P99999D"})
  void aDurationLongerThanAHundredYearsIsRefusedByName(String text) {
    assertThatThrownBy(() -> Durations.parse(text)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid duration: '" + text + "' (longer than 36500d, the most batchpush takes)");
  }

  @Test
  void negativeAndMalformedDurationsNameTheAcceptedForms() {
    assertThatThrownBy(() -> Durations.parse("-PT5M")).hasMessageContaining("Invalid duration: '-PT5M' (use a whole");
    assertThatThrownBy(() -> Durations.parse("5 minutes")).hasMessageContaining("such as 90s, 5m, 26h, 1d");
  }

  @Test
  void formatsAsUsersWriteDurations() {
    assertThat(Durations.format(Duration.ZERO)).isEqualTo("0s");
    assertThat(Durations.format(Duration.ofDays(30))).isEqualTo("30d");
    assertThat(Durations.format(Duration.ofHours(26))).isEqualTo("26h");
    assertThat(Durations.format(Duration.ofMinutes(90))).isEqualTo("1h30m");
    assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1.5s");
  }

  @Test
  void theBuilderAndARunSayWhichSettingIsOutOfRangeInTheUsersUnits() {
    assertThatThrownBy(() -> BatchPush.builder().maxAge(Duration.ZERO))
        .hasMessage("Invalid maxAge: 0s (must be positive)");
    assertThatThrownBy(() -> BatchPush.builder().deadline(Duration.ofDays(1_000_000)))
        .hasMessage("Invalid deadline: 1000000d (longer than 36500d, the most batchpush takes)");
    JobRun run = BatchPush.builder().gateway(java.net.URI.create("http://127.0.0.1:9")).noSpool().build()
        .start("nightly");
    assertThatThrownBy(() -> run.maxAge(Duration.ofSeconds(-1)))
        .hasMessage("Invalid maxAge: -1s (must be positive)");
  }
}
