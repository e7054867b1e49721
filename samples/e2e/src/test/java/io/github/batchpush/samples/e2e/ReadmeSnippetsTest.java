package io.github.batchpush.samples.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The Java in samples/README.md and README.md is copied from compiled and tested sources, line for line. A block
 * that is a whole source file, package and imports included, compiles as pasted.
 */
class ReadmeSnippetsTest {
  private static final Path SAMPLES = AlertingEndToEndTest.SAMPLES;

  @Test
  void everyJavaBlockOfTheReadmeIsAWholeSampleSourceFileImportsIncluded() throws IOException {
    List<String> sources = new ArrayList<>();
    try (Stream<Path> files = Files.walk(SAMPLES)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java") && f.toString().contains("/src/main/"))
          .toList()) {
        sources.add(normalized(Files.readString(file)));
      }
    }
    List<String> blocks = javaBlocks(Files.readString(SAMPLES.resolve("README.md")));

    assertThat(blocks).hasSize(2);
    for (String block : blocks) {
      assertThat(block).startsWith("\npackage ").contains("\nimport io.github.batchpush.");
      assertThat(sources).as("a sample that is\n%s", block).contains(block);
    }
  }

  @Test
  void thePlainJavaBlockOfTheTopReadmeIsAWholeCompiledSourceFileImportsIncluded() throws IOException {
    Path top = SAMPLES.toAbsolutePath().normalize().getParent();
    String block = javaBlocks(Files.readString(top.resolve("README.md"))).get(0);

    assertThat(block).startsWith("\npackage ").contains("\nimport io.github.batchpush.BatchPush;");
    assertThat(normalized(Files.readString(top.resolve("core/src/test/java/com/example/NightlyReport.java"))))
        .isEqualTo(block);
  }

  @Test
  void everyJavaBlockOfTheTopReadmeAppearsVerbatimInACompiledAndTestedSource() throws IOException {
    Path top = SAMPLES.toAbsolutePath().normalize().getParent();
    List<String> sources = new ArrayList<>();
    try (Stream<Path> files = Files.walk(top)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java") && f.toString().contains("/src/")
          && !f.toString().contains("/target/")).toList()) {
        sources.add(normalized(Files.readString(file)));
      }
    }
    List<String> blocks = javaBlocks(Files.readString(top.resolve("README.md")));

    assertThat(blocks).hasSize(2);
    for (String block : blocks) {
      assertThat(sources).as("a source containing\n%s", block).anyMatch(source -> source.contains(block));
    }
  }

  static List<String> javaBlocks(String markdown) {
    List<String> blocks = new ArrayList<>();
    Matcher m = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(markdown);
    while (m.find()) {
      blocks.add(normalized(m.group(1)));
    }
    return blocks;
  }

  /** Lines without indentation, blank lines dropped: the README indents less than the sources do. */
  static String normalized(String code) {
    return code.lines().map(String::strip).filter(l -> !l.isEmpty()).collect(Collectors.joining("\n", "\n", "\n"));
  }
}
