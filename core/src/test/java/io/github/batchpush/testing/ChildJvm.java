package io.github.batchpush.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;

/**
 * Runs a class's {@code main} in a JVM of its own with the test class path, as a user's program: with no
 * {@code BATCHPUSH_*} variables but those given, and optionally without the SLF4J providers of the class path.
 *
 * <pre>{@code
 * ChildJvm.Result r = ChildJvm.of(NightlyReport.class).env("XDG_STATE_HOME", dir).run(gateway.uri().toString());
 * assertThat(r.exitCode()).isZero();
 * }</pre>
 */
public final class ChildJvm {
  private static final String SLF4J_PROVIDER = "META-INF/services/org.slf4j.spi.SLF4JServiceProvider";

  private final Class<?> main;
  private final Map<String, String> env = new LinkedHashMap<>();
  private final List<String> systemProperties = new ArrayList<>();
  private boolean withoutSlf4jProvider;

  private ChildJvm(Class<?> main) {
    this.main = main;
  }

  public static ChildJvm of(Class<?> main) {
    return new ChildJvm(main);
  }

  public ChildJvm env(String name, String value) {
    env.put(name, value);
    return this;
  }

  /** A {@code -Dname=value} for the child. */
  public ChildJvm systemProperty(String name, String value) {
    systemProperties.add("-D" + name + "=" + value);
    return this;
  }

  /** Leaves every class path entry that provides an SLF4J binding out, so that slf4j-api falls back to NOP. */
  public ChildJvm withoutSlf4jProvider() {
    this.withoutSlf4jProvider = true;
    return this;
  }

  /** What the child printed on stderr and how it exited. */
  public record Result(int exitCode, String stderr) {}

  /** Runs it to the end (at most a minute); stdout is discarded. */
  public Result run(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
        .toString(), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx64m"));
    command.addAll(systemProperties);
    command.addAll(List.of("-cp", classPath(), main.getName()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().keySet().removeIf(k -> k.startsWith("BATCHPUSH_"));
    pb.environment().putAll(env);
    Path err = Files.createTempFile("child-jvm-", ".stderr");
    try {
      Process child = pb.redirectError(err.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      assertThat(child.waitFor(60, TimeUnit.SECONDS)).as(String.join(" ", command)).isTrue();
      return new Result(child.exitValue(), Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(err);
    }
  }

  private String classPath() throws IOException {
    List<String> kept = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (!withoutSlf4jProvider || !providesSlf4j(Path.of(entry))) {
        kept.add(entry);
      }
    }
    return String.join(File.pathSeparator, kept);
  }

  private static boolean providesSlf4j(Path entry) throws IOException {
    if (Files.isDirectory(entry)) {
      return Files.exists(entry.resolve(SLF4J_PROVIDER));
    }
    if (!Files.isRegularFile(entry)) {
      return false;
    }
    try (JarFile jar = new JarFile(entry.toFile())) {
      return jar.getEntry(SLF4J_PROVIDER) != null;
    }
  }
}
