package io.github.batchpush.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
  private static final int NOBODY = 65534;
  static final boolean RUNS_AS_ROOT = "root".equals(System.getProperty("user.name"));

  private final ProcessBuilder builder;
  private byte[] stdin = new byte[0];
  /** Arguments as bytes, and variables to export as bytes, for {@link #script}; null for a direct start. */
  private final List<byte[]> byteArgs;
  private final Map<String, byte[]> exports = new LinkedHashMap<>();

  private Launch(List<String> command, List<byte[]> byteArgs) {
    builder = new ProcessBuilder(command);
    this.byteArgs = byteArgs;
    builder.environment().keySet().removeIf(k -> k.startsWith("BATCHPUSH_"));
    // Most tests must not pay for (or race with) building the class-data archive; LauncherCacheIT covers it.
    builder.environment().put("BATCHPUSH_CDS", "off");
  }

  static Launch batchpush(String... args) {
    List<String> command = new ArrayList<>();
    command.add(LAUNCHER.toString());
    command.addAll(Arrays.asList(args));
    return new Launch(command, null);
  }

  /**
   * batchpush with arguments given as bytes. This JVM would re-encode strings with its own locale's charset, so a
   * shell script passes them on, the way a crontab line would.
   */
  static Launch batchpush(List<byte[]> args) {
    return new Launch(new ArrayList<>(List.of("/bin/sh")), List.copyOf(args));
  }

  /** Starts from an empty environment, as {@code env -i} (and cron, nearly) does. */
  Launch clearEnvironment() {
    builder.environment().clear();
    builder.environment().put("BATCHPUSH_CDS", "off");
    return this;
  }

  /** A variable whose value no Java string can carry; only with {@link #batchpush(List)}. */
  Launch export(String name, byte[] value) {
    exports.put(name, value.clone());
    return this;
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

  /**
   * Runs it as a user without privileges: as nobody when the tests run as root (who may read and write any file,
   * so that a read-only directory would not be one), else as the user the tests run as.
   */
  Launch unprivileged() {
    return asUser(NOBODY);
  }

  /** Runs it as the user and group {@code uid} when the tests run as root; as the tests' own user otherwise. */
  Launch asUser(int uid) {
    if (RUNS_AS_ROOT) {
      builder.command().addAll(0, List.of("setpriv", "--reuid=" + uid, "--regid=" + uid, "--clear-groups"));
    }
    return this;
  }

  /** Makes {@code file} the {@link #unprivileged} user's, as it would be had that user made it. */
  static Path ownedByTheUnprivilegedUser(Path file) {
    try {
      if (RUNS_AS_ROOT) {
        Files.setAttribute(file, "unix:uid", NOBODY);
        Files.setAttribute(file, "unix:gid", NOBODY);
      }
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Launch stdin(byte[] bytes) {
    this.stdin = bytes.clone();
    return this;
  }

  /** Starts it with stdout and stderr captured; the caller waits. */
  Running start() {
    try {
      if (byteArgs != null) {
        builder.command().add(script().toString());
      }
      return new Running(builder.start(), stdin);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code export NAME='value'}... then {@code exec LAUNCHER 'arg'...}, every byte as given. */
  private Path script() throws IOException {
    ByteArrayOutputStream script = new ByteArrayOutputStream();
    for (Map.Entry<String, byte[]> variable : exports.entrySet()) {
      script.writeBytes(("export " + variable.getKey() + "=").getBytes(StandardCharsets.US_ASCII));
      script.writeBytes(quoted(variable.getValue()));
      script.write('\n');
    }
    script.writeBytes("exec ".getBytes(StandardCharsets.US_ASCII));
    script.writeBytes(quoted(LAUNCHER.toString().getBytes(StandardCharsets.UTF_8)));
    for (byte[] arg : byteArgs) {
      script.write(' ');
      script.writeBytes(quoted(arg));
    }
    script.write('\n');
    Path file = Files.createTempFile("batchpush-args-", ".sh");
    file.toFile().deleteOnExit();
    return Files.write(file, script.toByteArray());
  }

  /** Single-quoted for sh: every byte literal but the quote itself. */
  private static byte[] quoted(byte[] value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write('\'');
    for (byte b : value) {
      if (b == '\'') {
        out.writeBytes("'\\''".getBytes(StandardCharsets.US_ASCII));
      } else {
        out.write(b);
      }
    }
    out.write('\'');
    return out.toByteArray();
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
