package io.github.batchpush;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Text becomes a gateway URL in one place, and no message ever shows what a URL's user info holds. */
class GatewayUrlTest {

  @ParameterizedTest(name = "[{0}]")
  @CsvSource(delimiter = '|', value = {
      "http://admin:S3CRET@push_gw:9091|Invalid gateway URL: 'http://***@push_gw:9091' (credentials in the URL would "
          + "end up in logs; remove them and use a username and password: BATCHPUSH_USERNAME, BATCHPUSH_PASSWORD)",
      "admin:S3CRET@gw:9091|Invalid gateway URL: 'admin:***@gw:9091' (no scheme; write it with http:// or https://, "
          + "e.g. http://admin:***@gw:9091)",
      "ftp://admin:S3CRET@gw_x/|Invalid gateway URL: 'ftp://***@gw_x/' (use http:// or https://, e.g. "
          + "http://localhost:9091)",
      "http://u:pa/ss@gw:9091|Invalid gateway URL: 'http://***@gw:9091' (no valid host name (letters, digits, '-' "
          + "and '.'; no '_'), e.g. http://localhost:9091)",
      "http://u:p ss@gw:9091|Invalid gateway URL: 'http://***@gw:9091' (Illegal character in authority; "
          + "e.g. http://localhost:9091)",
      // Review L4: without the '@' and host, the password reads as a port, and was echoed whole.
      "http://admin:S3CRET|Invalid gateway URL: 'http://admin:***' (no valid host name (letters, digits, '-' and "
          + "'.'; no '_'), e.g. http://localhost:9091)",
      "admin:S3CRET|Invalid gateway URL: 'admin:***' (no scheme; write it with http:// or https://, e.g. "
          + "http://admin:***)",
      "https://admin:S3CRET/pgw|Invalid gateway URL: 'https://admin:***' (no valid host name (letters, digits, "
          + "'-' and '.'; no '_'), e.g. http://localhost:9091)",
      // Review 2, finding 7: a password of digits, or with a '/', was echoed whole or in part.
      "http://admin:123456|Invalid gateway URL: 'http://admin:***' (the port is outside 1-65535)",
      "http://admin:S3C/RET|Invalid gateway URL: 'http://admin:***' (no valid host name (letters, digits, '-' and "
          + "'.'; no '_'), e.g. http://localhost:9091)",
  })
  void credentialsInAUrlAreMaskedWhateverTheParseError(String text, String message) {
    assertThatThrownBy(() -> GatewayUrl.parse(text)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message).message().doesNotContain("S3CRET").doesNotContain("pa/ss").doesNotContain("p ss");
  }

  @ParameterizedTest(name = "[{0}]")
  @CsvSource(delimiter = '|', value = {
      "127.0.0.1:9091|Invalid gateway URL: '127.0.0.1:9091' (no scheme; write it with http:// or https://, e.g. "
          + "http://127.0.0.1:9091)",
      "http://127.0.0.1:99999|Invalid gateway URL: 'http://127.0.0.1:99999' (port 99999 is outside 1-65535)",
      "http://127.0.0.1:0|Invalid gateway URL: 'http://127.0.0.1:0' (port 0 is outside 1-65535)",
      "http://push_gw:9091|Invalid gateway URL: 'http://push_gw:9091' (no valid host name (letters, digits, '-' and "
          + "'.'; no '_'), e.g. http://localhost:9091)",
      "'  '|Invalid gateway URL: '' (give one, e.g. http://localhost:9091)",
  })
  void badUrlsSayWhatToWriteInstead(String text, String message) {
    assertThatThrownBy(() -> GatewayUrl.parse(text)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
  }

  @ParameterizedTest(name = "[{0}]")
  @CsvSource({
      "http://127.0.0.1:9091/,http://127.0.0.1:9091",
      " https://gw.example/pgw ,https://gw.example/pgw",
      "http://[::1]:9091,http://[::1]:9091",
      "HTTP://localhost:65535,HTTP://localhost:65535",
  })
  void goodUrlsLoseOnlyTheirTrailingSlash(String text, String expected) {
    assertThat(GatewayUrl.parse(text)).isEqualTo(URI.create(expected));
  }
}
