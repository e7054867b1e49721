package io.github.batchpush.cli;

import io.github.batchpush.Durations;
import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Durations as users write them in crontabs ({@code 90s}, {@code 5m}, {@code PT15M}), parsed by core. An empty
 * option value leaves the option unset.
 */
final class DurationConverter implements ITypeConverter<Duration> {
  /**
   * A duration a command needs: given and positive.
   *
   * @throws IllegalArgumentException "Invalid --max-age: '0s' (give the job's freshness SLO, e.g. 26h)"
   */
  static Duration required(Duration duration, String option, String whatToGive) {
    if (duration == null || duration.isZero()) {
      throw new IllegalArgumentException("Invalid " + option + ": '" + (duration == null ? "" : "0s") + "' ("
          + whatToGive + ")");
    }
    return duration;
  }

  /**
   * A duration in messages, as the options take it: {@code 26h}, {@code 1h30m}, {@code 500ms} as {@code 0.5s}. Whole
   * days stay hours here ({@code 720h}), unlike core's {@link Durations#format}: the CLI's messages always read so.
   */
  static String describe(Duration d) {
    return d.toString().substring(2).toLowerCase(Locale.ROOT);
  }

  @Override
  public Duration convert(String value) {
    if (value.isBlank()) {
      return null;
    }
    try {
      return Durations.parse(value);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(e.getMessage());
    }
  }
}
