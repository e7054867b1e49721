package io.github.batchpush.cli;

import io.github.batchpush.Durations;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Durations as users write them in crontabs ({@code 90s}, {@code 5m}, {@code PT15M}), parsed by core. An empty value
 * (an empty environment variable) means unset, as it does in core.
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
