package io.github.batchpush;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the durations users write in crontabs, annotations and properties.
 *
 * <pre>{@code
 * Durations.parse("26h");      // PT26H
 * Durations.parse("90s");      // PT1M30S
 * Durations.parse("PT15M");    // ISO-8601 works too
 * }</pre>
 *
 * <p>Accepted: a whole number followed by {@code ms}, {@code s}, {@code m}, {@code h} or {@code d}, or an ISO-8601
 * duration ({@code PT90S}, {@code P1D}). Negative durations are rejected.
 */
public final class Durations {
  private static final Pattern SHORT = Pattern.compile("(\\d{1,15})(ms|s|m|h|d)");

  private Durations() {}

  /**
   * Returns the duration that {@code text} denotes.
   *
   * @throws IllegalArgumentException naming the text and the accepted forms when it is not a duration
   */
  public static Duration parse(String text) {
    Objects.requireNonNull(text, "duration == null");
    String trimmed = text.trim();
    Matcher m = SHORT.matcher(trimmed.toLowerCase(Locale.ROOT));
    if (m.matches()) {
      long amount = Long.parseLong(m.group(1));
      switch (m.group(2)) {
        case "ms": return Duration.ofMillis(amount);
        case "s": return Duration.ofSeconds(amount);
        case "m": return Duration.ofMinutes(amount);
        case "h": return Duration.ofHours(amount);
        default: return Duration.ofDays(amount);
      }
    }
    try {
      Duration parsed = Duration.parse(trimmed.toUpperCase(Locale.ROOT));
      if (!parsed.isNegative()) {
        return parsed;
      }
    } catch (DateTimeParseException ignored) {
      // fall through to the one message that lists every accepted form
    }
    throw new IllegalArgumentException("Invalid duration: '" + text
        + "' (use a whole number with ms, s, m, h or d such as 90s, 5m, 26h, 1d, or ISO-8601 such as PT90S)");
  }
}
