package io.github.batchpush;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.batchpush.testing.FaultServer;
import io.github.batchpush.testing.FaultServer.Fault;
import io.github.batchpush.testing.Pushgateway;
import io.github.batchpush.testing.RealPushgateway;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@link BatchPush#staleGroups} and {@link BatchPush#delete(GatewayGroup)} against the real Pushgateway. */
class GcTest {
  private static final Pattern ANY = Pattern.compile(".*");

  @RealPushgateway
  Pushgateway gateway; // an empty one for each test

  private BatchPush at(Instant now) {
    return BatchPush.builder().gateway(gateway.uri()).noSpool().strict(true).clock(Clock.fixed(now, ZoneOffset.UTC))
        .build();
  }

  private void push(String path, String body) {
    assertThat(gateway.request("POST", "/metrics/" + path, body)).as(path).isEqualTo(200);
  }

  @Test
  void readsEveryGroupWithItsLabelsExactlyItsLastPushAndItsMaxAge() {
    push("job@base64/YS9i/path@base64/L3Zhci9sb2c/team@base64/=", "x 1\n");
    push("job/with_slo", "# TYPE batch_job_max_age_seconds gauge\nbatch_job_max_age_seconds 93600\n");
    Instant later = Instant.now().plus(Duration.ofHours(1));

    List<GatewayGroup> groups = at(later).staleGroups(Duration.ofMinutes(30), ANY, true).toDelete();

    assertThat(groups).hasSize(2);
    GatewayGroup special = groups.get(0);
    assertThat(special.job()).isEqualTo("a/b");
    assertThat(special.labels()).isEqualTo(Map.of("path", "/var/log", "team", ""));
    assertThat(special.maxAge()).isNull();
    assertThat(special.lastPush()).isBetween(Instant.now().minusSeconds(60), Instant.now());
    assertThat(special.toString()).isEqualTo("{job=\"a/b\",path=\"/var/log\",team=\"\"}");
    assertThat(groups.get(1).job()).isEqualTo("with_slo");
    assertThat(groups.get(1).maxAge()).isEqualTo(Duration.ofHours(26));
  }

  @Test
  void aGroupWhosePushesAreRefusedCountsAsPushedToWhenTheyWere() {
    push("job/typed_elsewhere", "# TYPE clash gauge\nclash 1\n");
    // Untyped where another group has a gauge: refused (400), which leaves the new group push_time_seconds 0 and
    // sets its push_failure_time_seconds.
    assertThat(gateway.request("POST", "/metrics/job/refused", "clash 1\n")).isEqualTo(400);

    StaleGroups stale = at(Instant.now()).staleGroups(Duration.ofHours(1), Pattern.compile("refused"), false);

    assertThat(stale.toDelete()).isEmpty();
    assertThat(stale.fresh()).isOne();
  }

  @Test
  void deletingAGroupRemovesExactlyThatGroup() {
    push("job@base64/YS9i/path@base64/L3Zhci9sb2c/team@base64/=", "x 1\n");
    push("job@base64/YS9i/path@base64/L3Zhci9sb2c", "x 2\n");
    BatchPush push = at(Instant.now().plus(Duration.ofHours(1)));
    GatewayGroup withEmptyTeam = push.staleGroups(Duration.ofMinutes(30), ANY, false).toDelete().stream()
        .filter(g -> g.labels().containsKey("team")).findFirst().orElseThrow();

    push.delete(withEmptyTeam);

    Map<String, String> labels = new LinkedHashMap<>(Map.of("path", "/var/log", "team", ""));
    assertThat(gateway.groupAfterDelete("a/b", labels)).isEmpty();
    assertThat(gateway.group("a/b", Map.of("path", "/var/log"))).containsEntry("x", 2.0);
  }

  @Test
  void anAnswerThatIsNotTheGatewaysJsonIsARejectionThatSaysSo() {
    try (FaultServer notAGateway = FaultServer.start(null, Fault.echo(200))) {
      BatchPush push = BatchPush.builder().gateway(notAGateway.uri()).noSpool().build();

      assertThatThrownBy(() -> push.staleGroups(Duration.ofDays(1), ANY, false))
          .isInstanceOf(GatewayRejectedException.class)
          .hasMessageStartingWith("gc on " + notAGateway.uri() + " failed: reading the gateway's groups: not the "
              + "gateway's /api/v1/metrics (Unrecognized token 'upstream':");
    }
  }

  @Test
  void aGatewayThatIsDownIsUnreachable() {
    String nowhere = "http://127.0.0.1:" + Pushgateway.freePort();
    BatchPush push = BatchPush.builder().gateway(java.net.URI.create(nowhere)).noSpool().build();

    assertThatThrownBy(() -> push.staleGroups(Duration.ofDays(1), ANY, false))
        .isInstanceOf(GatewayUnreachableException.class)
        .hasMessageStartingWith("gc on " + nowhere + " failed: reading the gateway's groups: unreachable (");
  }
}
