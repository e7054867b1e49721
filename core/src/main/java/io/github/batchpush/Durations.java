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
 * duration ({@code PT90S}, {@code P1D}). Negative durations are rejected, and so are durations longer than
 * {@link #MAX} (100 years): no schedule needs one, and a deadline or timeout in nanoseconds overflows at 292 years.
 */
public final class Durations {
  /** The longest duration batchpush takes anywhere: 36500 days. */
  public static final Duration MAX = Duration.ofDays(36_500);

  private static final Pattern SHORT = Pattern.compile("(\\d+)(ms|s|m|h|d)");

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
    Duration parsed = null;
    if (m.matches()) {
      // More digits than a long holds is longer than MAX too.
      parsed = m.group(1).length() > 18 ? MAX.plusDays(1) : ofUnit(Long.parseLong(m.group(1)), m.group(2));
    } else {
      try {
        parsed = Duration.parse(trimmed.toUpperCase(Locale.ROOT));
      } catch (DateTimeParseException | ArithmeticException ignored) {
        // fall through to the one message that lists every accepted form
      }
    }
    if (parsed != null && parsed.compareTo(MAX) > 0) {
      throw new IllegalArgumentException("Invalid duration: '" + text + "' (longer than " + format(MAX)
          + ", the most batchpush takes)");
    }
    if (parsed != null && !parsed.isNegative()) {
      return parsed;
    }
    throw new IllegalArgumentException("Invalid duration: '" + text
        + "' (use a whole number with ms, s, m, h or d such as 90s, 5m, 26h, 1d, or ISO-8601 such as PT90S)");
  }

  /** A duration as users write it: {@code 26h}, {@code 1h30m}, {@code 0.5s}, {@code 30d}; {@code 0s} for zero. */
  public static String format(Duration d) {
    Objects.requireNonNull(d, "duration == null");
    if (d.isZero()) {
      return "0s";
    }
    long days = d.toDays();
    if (days > 0 && d.equals(Duration.ofDays(days))) {
      return days + "d";
    }
    return d.toString().substring(2).toLowerCase(Locale.ROOT);
  }

  /**
   * {@code d} when it is positive and at most {@link #MAX}; {@code what} names it in the message.
   *
   * @throws IllegalArgumentException naming {@code what} and the value as users write durations
   */
  static Duration positive(Duration d, String what) {
    Objects.requireNonNull(d, what + " == null");
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException("Invalid " + what + ": " + format(d) + " (must be positive)");
    }
    if (d.compareTo(MAX) > 0) {
      throw new IllegalArgumentException("Invalid " + what + ": " + format(d) + " (longer than " + format(MAX)
          + ", the most batchpush takes)");
    }
    return d;
  }

  private static Duration ofUnit(long amount, String unit) {
    try {
      switch (unit) {
        case "ms": return Duration.ofMillis(amount);
        case "s": return Duration.ofSeconds(amount);
        case "m": return Duration.ofMinutes(amount);
        case "h": return Duration.ofHours(amount);
        default: return Duration.ofDays(amount);
      }
    } catch (ArithmeticException e) {
      return MAX.plusDays(1); // more than Duration holds: longer than MAX, and said so
    }
  }
}
