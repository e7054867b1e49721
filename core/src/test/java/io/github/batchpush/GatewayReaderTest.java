package io.github.batchpush;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How {@link GatewayReader} finds one group's series in the gateway's text exposition. */
class GatewayReaderTest {
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
    return GatewayReader.find(new BufferedReader(new StringReader(EXPOSITION)),
        "batch_job_registered_timestamp_seconds", GatewayReader.group(job, labels));
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

    Double value = GatewayReader.find(new BufferedReader(new StringReader(exposition)), "m",
        GatewayReader.group("j", Map.of("instance", "host-1")));

    assertThat(value).isEqualTo(7.0);
  }

  @Test
  void aLineThatIsNotTheTextFormatIsSkipped() {
    Map<String, String> labels = new LinkedHashMap<>();

    assertThat(GatewayReader.parseLabels("m{job=\"unterminated", 2, labels)).isEqualTo(-1);
    assertThat(GatewayReader.parseLabels("m{job}", 2, labels)).isEqualTo(-1);
  }
}
