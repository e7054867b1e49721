package io.github.batchpush.spring.jobs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Spring Boot application's {@code main} run as users run it: its own JVM, the test classpath, its own
 * environment, output to a file. Stopped by PID (a real signal), never by name.
 */
public final class AppProcess implements AutoCloseable {
  private final Process process;
  private final Path output;

  private AppProcess(Process process, Path output) {
    this.process = process;
    this.output = output;
  }

  /**
   * Starts {@code main} of {@code application} with {@code args}; {@code environment} is added to the test's
   * environment, from which every {@code BATCHPUSH_*} variable is removed first.
   */
  public static AppProcess start(Class<?> application, Path output, Map<String, String> environment,
      List<String> args) throws IOException {
    List<String> command = new ArrayList<>(List.of(
        Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:TieredStopAtLevel=1", "-Xshare:auto",
        "-cp", System.getProperty("java.class.path"),
        application.getName()));
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
    builder.environment().keySet().removeIf(name -> name.startsWith("BATCHPUSH_"));
    builder.environment().putAll(environment);
    return new AppProcess(builder.start(), output);
  }

  /** Waits for the process to exit and returns its exit code (128 + N for a JVM ended by signal N). */
  public int exitCode(Duration timeout) throws IOException, InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("the application did not exit within " + timeout + ":\n" + output());
    }
    return process.exitValue();
  }

  /** Sends SIGTERM, as Kubernetes, systemd or a deploy script does. */
  public void terminate() throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-TERM", Long.toString(process.pid())).inheritIO().start();
    if (kill.waitFor() != 0) {
      throw new IllegalStateException("kill -TERM " + process.pid() + " failed");
    }
  }

  /** Waits until {@code file} exists, that is, until the application got there. */
  public void awaitFile(Path file, Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!Files.exists(file)) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        throw new AssertionError("the application never created " + file + ":\n" + output());
      }
      Thread.sleep(50);
    }
  }

  public String output() throws IOException {
    return Files.readString(output, StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
