package io.github.batchpush.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.UsageMessageSpec;

/**
 * The vocabulary the commands declare their usage with: picocli's model built in code, the way its annotations would
 * build it, so that {@code --help}, the man pages and the bash completion come from it as before. Annotations would
 * make the JDK generate a proxy class per annotation type and picocli reflect over every field, on every start;
 * building the model in code costs a fraction of that.
 *
 * <pre>{@code
 * CommandSpec spec = Specs.command(this, "delete", "Removes a job's group from the Pushgateway.");
 * spec.addOption(Specs.required("--job", "NAME", "The job name of the group."));
 * Specs.exitCodes(spec, "0", "The group is gone.", "1", "The gateway could not be reached or refused.");
 * Specs.standardHelp(spec);
 * String job = Specs.value(spec, "--job");
 * }</pre>
 */
final class Specs {
  private static final DurationConverter DURATIONS = new DurationConverter();

  private Specs() {}

  /** A command whose user object (a {@code Callable<Integer>}) picocli calls, with its header; options unsorted. */
  static CommandSpec command(Object userObject, String name, String... header) {
    CommandSpec spec = CommandSpec.wrapWithoutInspection(userObject).name(name);
    spec.usageMessage().header(header).sortOptions(false);
    return spec;
  }

  /** A {@code --name=LABEL} option holding text. */
  static OptionSpec option(String name, String paramLabel, String... description) {
    return OptionSpec.builder(name).paramLabel(paramLabel).type(String.class).description(description).build();
  }

  /** A {@code --name=LABEL} option that must be given. */
  static OptionSpec required(String name, String paramLabel, String... description) {
    return OptionSpec.builder(name).paramLabel(paramLabel).type(String.class).required(true)
        .description(description).build();
  }

  /** A {@code --name=DURATION} option, parsed as core parses durations; an empty value means unset. */
  static OptionSpec.Builder duration(String name, String... description) {
    return OptionSpec.builder(name).paramLabel("DURATION").type(Duration.class).converters(DURATIONS)
        .description(description);
  }

  /** An option given once per value ({@code --label a=b --label c=d}). */
  static OptionSpec repeatable(String name, String paramLabel, String... description) {
    return OptionSpec.builder(name).paramLabel(paramLabel).type(List.class).auxiliaryTypes(String.class)
        .description(description).build();
  }

  /** An option without a value: on when given. */
  static OptionSpec flag(String[] names, String... description) {
    return OptionSpec.builder(names).arity("0").type(boolean.class).description(description).build();
  }

  /** An option without a value, of one name. */
  static OptionSpec flag(String name, String... description) {
    return flag(new String[] {name}, description);
  }

  /** The exit code list of {@code --help}: code, meaning, code, meaning... */
  static void exitCodes(CommandSpec spec, String... codesAndMeanings) {
    Map<String, String> list = new LinkedHashMap<>();
    for (int i = 0; i + 1 < codesAndMeanings.length; i += 2) {
      list.put(codesAndMeanings[i], codesAndMeanings[i + 1]);
    }
    spec.usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(list);
  }

  /** An example below the options, under "Example:". */
  static void example(CommandSpec spec, String example) {
    UsageMessageSpec usage = spec.usageMessage();
    usage.footerHeading("%nExample:%n").footer(example);
  }

  /** {@code -h, --help} and {@code -V, --version}, last, as picocli's {@code mixinStandardHelpOptions} adds them. */
  static void standardHelp(CommandSpec spec) {
    spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true).arity("0").type(boolean.class)
        .description("Show this help message and exit.").build());
    spec.addOption(OptionSpec.builder("-V", "--version").versionHelp(true).arity("0").type(boolean.class)
        .description("Print version information and exit.").build());
    spec.versionProvider(new VersionProvider());
  }

  /** The value of an option after parsing: what was given, its default, or null. */
  @SuppressWarnings("unchecked")
  static <T> T value(CommandSpec spec, String option) {
    return (T) spec.findOption(option).getValue();
  }

  /** Whether a flag was given. */
  static boolean given(CommandSpec spec, String flag) {
    return Boolean.TRUE.equals(spec.findOption(flag).getValue());
  }

  /** The values of a repeatable option, in order; empty when none was given. */
  static List<String> values(CommandSpec spec, String option) {
    List<String> values = value(spec, option);
    return values == null ? new ArrayList<>() : values;
  }
}
