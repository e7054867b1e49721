package io.github.batchpush;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GroupingKeyPathTest {
  @ParameterizedTest(name = "job [{0}] -> {1}")
  @CsvSource(delimiter = '|', ignoreLeadingAndTrailingWhitespace = false, value = {
      "nightly_report|job/nightly_report",
      "my job|job/my%20job",
      "a+b|job/a%2Bb",
      "100%|job/100%25",
      "zürich|job/z%C3%BCrich",
      "a/b|job@base64/YS9i",
      ".|job@base64/Lg==",
      "..|job@base64/Li4=",
      "a.b-c_d~e|job/a.b-c_d~e",
      "?#&=|job/%3F%23%26%3D",
  })
  void encodesJobNames(String job, String path) {
    assertThat(GroupingKeyPath.of(job, Map.of())).isEqualTo(path);
  }

  @ParameterizedTest(name = "label value [{0}] -> {1}")
  @CsvSource(delimiter = '|', ignoreLeadingAndTrailingWhitespace = false, value = {
      "data|/team/data",
      "two words|/team/two%20words",
      "''|/team@base64/=",
      "x/y|/team@base64/eC95",
      "ü+%|/team/%C3%BC%2B%25",
  })
  void encodesLabelValues(String value, String suffix) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("team", value == null ? "" : value);
    assertThat(GroupingKeyPath.of("j", labels)).isEqualTo("job/j" + suffix);
  }

  @org.junit.jupiter.api.Test
  void keepsLabelOrder() {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("b", "2");
    labels.put("a", "1");
    assertThat(GroupingKeyPath.of("j", labels)).isEqualTo("job/j/b/2/a/1");
  }
}
