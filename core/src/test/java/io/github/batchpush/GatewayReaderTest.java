package io.github.batchpush;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** How {@link GatewayReader} finds one group's series in the gateway's text exposition. */
class GatewayReaderTest {
  private static final String REGISTERED = "batch_job_registered_timestamp_seconds";
  private static final String EXPOSITION = String.join("\n",
      "# HELP batch_job_registered_timestamp_seconds When the job was first registered.",
      "# TYPE batch_job_registered_timestamp_seconds gauge",
      "batch_job_registered_timestamp_seconds{instance=\"\",job=\"other\"} 1",
      "batch_job_registered_timestamp_seconds{instance=\"\",job=\"nightly\",team=\"data\"} 2",
      "batch_job_registered_timestamp_seconds{instance=\"\",job=\"nightly\"} 1.7951616e+09",
      "batch_job_registered_timestamp_seconds_extra{instance=\"\",job=\"nightly\"} 4",
      "batch_job_registered_timestamp_seconds{instance=\"\",job=\"q \\\"x\\\" \\\\ y\\nz\"} 5",
      "");

  private static Double find(String job, Map<String, String> labels) throws IOException {
    return read(EXPOSITION, Set.of(REGISTERED), GatewayReader.group(job, labels), false).values().get(REGISTERED);
  }

  private static GatewayReader.Found read(String exposition, Set<String> metrics, Map<String, String> group,
      boolean version) throws IOException {
    return GatewayReader.find(new BufferedReader(new StringReader(exposition)), metrics, group, version);
  }

  @Test
  void findsTheSeriesWhoseLabelsAreExactlyTheGroups() throws IOException {
    assertThat(find("nightly", Map.of())).isEqualTo(1.7951616e9);
    assertThat(find("nightly", Map.of("team", "data"))).isEqualTo(2.0);
  }

  @Test
  void aGroupWithoutTheMetricHasNoValue() throws IOException {
    assertThat(find("nightly", Map.of("team", "web"))).isNull();
    assertThat(find("absent", Map.of())).isNull();
  }

  @Test
  void labelValuesAreUnescaped() throws IOException {
    assertThat(find("q \"x\" \\ y\nz", Map.of())).isEqualTo(5.0);
  }

  @Test
  void aGroupLabelledInstanceKeepsItsOwnInstance() throws IOException {
    String exposition = "m{instance=\"host-1\",job=\"j\"} 7\n";

    GatewayReader.Found found = read(exposition, Set.of("m"), GatewayReader.group("j", Map.of("instance", "host-1")),
        false);

    assertThat(found.values()).containsEntry("m", 7.0);
  }

  @Test
  void aLineThatIsNotTheTextFormatIsSkipped() {
    Map<String, String> labels = new LinkedHashMap<>();

    assertThat(GatewayReader.parseLabels("m{job=\"unterminated", 2, labels)).isEqualTo(-1);
    assertThat(GatewayReader.parseLabels("m{job}", 2, labels)).isEqualTo(-1);
  }

  @Test
  void readsSeveralMetricsOfTheGroupAndTheGatewaysVersionInOnePass() throws IOException {
    String exposition = String.join("\n",
        "batch_job_exit_code{instance=\"\",job=\"nightly\"} 3",
        "batch_job_exit_code{instance=\"\",job=\"other\"} 0",
        "push_time_seconds{instance=\"\",job=\"nightly\"} 1.7956676152950196e+09",
        "pushgateway_build_info{branch=\"debian/sid\",goversion=\"go1.19.8\",version=\"1.5.1\"} 1",
        "");

    GatewayReader.Found found = read(exposition, Set.of("batch_job_exit_code", "push_time_seconds",
        "batch_job_max_age_seconds"), GatewayReader.group("nightly", Map.of()), true);

    assertThat(found.values()).containsOnly(entry("batch_job_exit_code", 3.0),
        entry("push_time_seconds", 1.7956676152950196e9));
    assertThat(found.version()).isEqualTo("1.5.1");
  }

  @Test
  void aServerWithoutTheGatewaysBuildInfoHasNoVersion() throws IOException {
    String exposition = "prometheus_build_info{version=\"2.42.0\"} 1\n";

    assertThat(read(exposition, Set.of(), Map.of(), true).version()).isNull();
  }

  @Test
  void infinitiesAreReadAsTheTextFormatWritesThem() {
    assertThat(GatewayReader.number("+Inf")).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(GatewayReader.number("-Inf")).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(GatewayReader.number("NaN")).isNaN();
  }
}
