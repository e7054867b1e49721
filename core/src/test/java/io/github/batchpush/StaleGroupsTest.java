package io.github.batchpush;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Which groups {@link StaleGroups} finds stale and which of those it keeps: the rules of {@code batchpush gc}. */
class StaleGroupsTest {
  private static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");
  private static final Pattern ANY = Pattern.compile(".*");

  private static GatewayGroup group(String job, Duration age, Duration maxAge) {
    return new GatewayGroup(job, Map.of(), NOW.minus(age), maxAge);
  }

  @Test
  void aGroupIsStaleWhenItsLastPushIsOlderThanTheLimit() {
    GatewayGroup old = group("old", Duration.ofDays(31), null);
    GatewayGroup exactly = group("exactly", Duration.ofDays(30), null);
    GatewayGroup recent = group("recent", Duration.ofDays(1), null);

    StaleGroups stale = StaleGroups.of(List.of(recent, exactly, old), NOW, Duration.ofDays(30), ANY, false);

    assertThat(stale.toDelete()).containsExactly(old);
    assertThat(stale.fresh()).isEqualTo(2);
  }

  @Test
  void aStaleGroupThatDeclaresAMaxAgeIsKeptUnlessIncluded() {
    GatewayGroup withSlo = group("with_slo", Duration.ofDays(40), Duration.ofHours(26));
    GatewayGroup without = group("without", Duration.ofDays(40), null);

    StaleGroups kept = StaleGroups.of(List.of(withSlo, without), NOW, Duration.ofDays(30), ANY, false);
    StaleGroups included = StaleGroups.of(List.of(withSlo, without), NOW, Duration.ofDays(30), ANY, true);

    assertThat(kept.toDelete()).containsExactly(without);
    assertThat(kept.keptForMaxAge()).containsExactly(withSlo);
    assertThat(included.toDelete()).containsExactly(withSlo, without);
    assertThat(included.keptForMaxAge()).isEmpty();
  }

  @Test
  void theJobPatternMustMatchTheWholeJobName() {
    GatewayGroup legacy = group("legacy_export", Duration.ofDays(40), null);
    GatewayGroup other = group("export_legacy_x", Duration.ofDays(40), null);

    StaleGroups stale = StaleGroups.of(List.of(legacy, other), NOW, Duration.ofDays(30),
        Pattern.compile("legacy_.*"), false);

    assertThat(stale.toDelete()).containsExactly(legacy);
    assertThat(stale.fresh()).as("groups of other jobs are not counted").isZero();
  }

  @Test
  void aGroupNeverPushedToSuccessfullyIsAsOldAsTheEpoch() {
    GatewayGroup never = new GatewayGroup("never", Map.of(), Instant.EPOCH, null);

    assertThat(StaleGroups.of(List.of(never), NOW, Duration.ofDays(3650), ANY, false).toDelete())
        .containsExactly(never);
  }

  @Test
  void theGroupsAreListedByName() {
    GatewayGroup b = group("b", Duration.ofDays(40), null);
    GatewayGroup a = group("a", Duration.ofDays(40), null);

    assertThat(StaleGroups.of(List.of(b, a), NOW, Duration.ofDays(30), ANY, false).toDelete()).containsExactly(a, b);
  }
}
