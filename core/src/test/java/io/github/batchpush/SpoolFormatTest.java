package io.github.batchpush;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class SpoolFormatTest {
  @Test
  void everyKeyAndValueSurvivesAFormatAndLoadRoundTrip() throws Exception {
    Properties written = new Properties();
    String[] awkward = {"", " leading", "trailing ", "a=b:c", "#!comment", "back\\slash", "line\nbreak\r\t\f",
        "ünïcødé 日本", "\u0001control\u007f", "\\u0041"};
    for (int i = 0; i < awkward.length; i++) {
      written.setProperty("k" + i + awkward[i], awkward[i]);
    }
    Properties read = new Properties();
    read.load(new StringReader(SpoolFiles.format(written)));
    assertThat(read).isEqualTo(written);
    assertThat(SpoolFiles.format(written)).doesNotStartWith("#");
  }
}
