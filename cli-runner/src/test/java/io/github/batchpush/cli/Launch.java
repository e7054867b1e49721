package io.github.batchpush.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Starts the packaged single-file launcher ({@code target/batchpush}) as a user would, with a clean environment.
 *
 * <pre>{@code
 * Launch.Result r = Launch.batchpush("run", "--job", "x", "--", "true").env("BATCHPUSH_GATEWAY", uri).run();
 * }</pre>
 */
final class Launch {
  static final Path LAUNCHER = Paths.get(System.getProperty("batchpush.launcher", "target/batchpush"))
      .toAbsolutePath();
  private static final long LIMIT_SECONDS = 60;

  private final ProcessBuilder builder;
  private byte[] stdin = new byte[0];

  private Launch(List<String> command) {
    builder = new ProcessBuilder(command);
    builder.environment().keySet().removeIf(k -> k.startsWith("BATCHPUSH_"));
    // Most tests must not pay for (or race with) building the class-data archive; LauncherCacheIT covers it.
    builder.environment().put("BATCHPUSH_CDS", "off");
  }

  static Launch batchpush(String... args) {
    List<String> command = new ArrayList<>();
    command.add(LAUNCHER.toString());
    command.addAll(Arrays.asList(args));
    return new Launch(command);
  }

  Launch env(String name, String value) {
    builder.environment().put(name, value);
    return this;
  }

  /**
   * Runs it in a session of its own, without a controlling terminal. batchpush does not pass on an INT it gets in
   * the foreground of a terminal, taking it for a Ctrl-C that has reached COMMAND too; so a test that sends INT by
   * hand must not inherit the terminal mvn may run at.
   */
  Launch withoutTerminal() {
    // setsid execs in place (the child is not a group leader): the process's pid is batchpush's.
    builder.command().add(0, "setsid");
    return this;
  }

  Launch stdin(byte[] bytes) {
    this.stdin = bytes.clone();
    return this;
  }

  /** Starts it with stdout and stderr captured; the caller waits. */
  Running start() {
    try {
      return new Running(builder.start(), stdin);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs it to the end (at most a minute). */
  Result run() {
    return start().await();
  }

  record Result(int exitCode, byte[] stdoutBytes, String stderr) {
    String stdout() {
      return new String(stdoutBytes, StandardCharsets.UTF_8);
    }
  }

  static final class Running {
    final Process process;
    private final CompletableFuture<byte[]> out;
    private final CompletableFuture<byte[]> err;

    Running(Process process, byte[] stdin) {
      this.process = process;
      this.out = CompletableFuture.supplyAsync(() -> readAll(process.getInputStream()));
      this.err = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
      CompletableFuture.runAsync(() -> {
        try (OutputStream in = process.getOutputStream()) {
          in.write(stdin);
        } catch (IOException ignoredWhenTheCommandDoesNotRead) {
          // the command may exit without reading its stdin
        }
      });
    }

    Result await() {
      try {
        if (!process.waitFor(LIMIT_SECONDS, TimeUnit.SECONDS)) {
          process.descendants().forEach(ProcessHandle::destroyForcibly);
          process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
          throw new AssertionError("batchpush still running after " + LIMIT_SECONDS + " s; killed it");
        }
        return new Result(process.exitValue(), out.get(10, TimeUnit.SECONDS),
            new String(err.get(10, TimeUnit.SECONDS), StandardCharsets.UTF_8));
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    }
  }

  private static byte[] readAll(InputStream in) {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    try (in) {
      in.transferTo(buffer);
    } catch (IOException e) {
      // the process died; what arrived so far is the output
    }
    return buffer.toByteArray();
  }
}
