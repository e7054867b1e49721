package io.github.batchpush;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A gateway's error body shows in a message as its first line, short, and with no credentials in it. */
class ErrorBodyTest {
  private static final String BASIC = "Basic " + Base64.getEncoder().encodeToString(
      "ops:pw-S3CRET".getBytes(StandardCharsets.UTF_8));

  @ParameterizedTest(name = "[{0}]")
  @CsvSource(delimiter = '|', value = {
      "pushed metrics are invalid or inconsistent|pushed metrics are invalid or inconsistent",
      "bad gateway\\nAuthorization: Basic b3BzOnB3LVMzQ1JFVA==|bad gateway",
      "denied, you sent Authorization: Basic b3BzOnB3LVMzQ1JFVA==, Host: gw|denied, you sent Authorization: ***, Host: gw",
      "{\"headers\":{\"authorization\":\"Bearer eyJhbGciOi.J9x\"}}|{\"headers\":{\"authorization\":\"***\"}}",
      "proxy says: Bearer tok_9f8e7d6c5b rejected|proxy says: Bearer *** rejected",
      "echo: cookie=session-abc123; path=/|echo: cookie=***; path=/",
      "basic authentication required|basic authentication required",
      "the password pw-S3CRET is wrong|the password *** is wrong",
      "user ops:pw-S3CRET is unknown|user *** is unknown",
      "  \\n\\n  leading blank lines|leading blank lines",
  })
  void theFirstLineIsShownWithCredentialsRemoved(String body, String summary) {
    assertThat(ErrorBody.summary(body.replace("\\n", "\n"), BASIC)).isEqualTo(summary);
  }

  @Test
  void theConfiguredBearerTokenIsRemovedWhereverItAppears() {
    assertThat(ErrorBody.summary("token tok-123-secret is not valid here (tok-123-secret)", "Bearer tok-123-secret"))
        .isEqualTo("token *** is not valid here (***)");
  }

  @Test
  void aLongLineIsCutTo200CharactersAfterTheCredentialsAreGone() {
    String body = "x".repeat(190) + " Authorization: " + BASIC + " and more";
    String summary = ErrorBody.summary(body, null);
    assertThat(summary).hasSize(ErrorBody.MAX_LENGTH).endsWith("...").doesNotContain("b3Bz");
  }

  @Test
  void controlCharactersBecomeSpaces() {
    assertThat(ErrorBody.summary("a\tb\u0007c", null)).isEqualTo("a b c");
  }

  @Test
  void noBodyIsAnEmptyReason() {
    assertThat(ErrorBody.summary(null, null)).isEmpty();
    assertThat(ErrorBody.summary("\n", BASIC)).isEmpty();
  }
}
