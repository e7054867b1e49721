package io.github.batchpush.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.batchpush.MetricNames;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The metric names the Spring module pushes are core's: none is spelled as a string in its main sources. */
class MetricNamesFromCoreTests {
  private static final Pattern COMMENT = Pattern.compile("/\\*.*?\\*/|//[^\\n]*", Pattern.DOTALL);
  private static final Pattern STRING = Pattern.compile("\"((?:[^\"\\\\\\n]|\\\\.)*)\"");

  @Test
  void noMainSourceSpellsAMetricNameOfCore() throws Exception {
    Set<String> names = suffixes();
    List<String> spelled = new ArrayList<>();
    try (Stream<Path> sources = Files.walk(Paths.get("src/main/java"))) {
      for (Path source : sources.filter(p -> p.toString().endsWith(".java")).toList()) {
        for (String literal : literals(source)) {
          if (names.contains(literal)) {
            spelled.add(source.getFileName() + ": \"" + literal + "\"");
          }
        }
      }
    }

    assertThat(names).contains("items_read", "exit_code", "step", "batch_job");
    assertThat(spelled).isEmpty();
  }

  /** Every suffix, label name and the default prefix that MetricNames declares. */
  private static Set<String> suffixes() throws IllegalAccessException {
    Set<String> names = new TreeSet<>();
    for (Field field : MetricNames.class.getFields()) {
      if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
        names.add((String) field.get(null));
      }
    }
    return names;
  }

  private static List<String> literals(Path source) throws IOException {
    Matcher strings = STRING.matcher(COMMENT.matcher(Files.readString(source)).replaceAll(" "));
    List<String> literals = new ArrayList<>();
    while (strings.find()) {
      literals.add(strings.group(1));
    }
    return literals;
  }
}
