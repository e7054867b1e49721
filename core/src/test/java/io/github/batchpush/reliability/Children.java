package io.github.batchpush.reliability;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Starts {@link SpoolChild} in a fresh JVM with the test class path, its output going to {@code log}. */
final class Children {
  private Children() {}

  static Process start(Path log, String... args) throws IOException {
    return start(log, List.of(), List.of(), args);
  }

  /**
   * As {@link #start(Path, String...)}, killed with SIGKILL when it reaches the spool's checkpoint {@code point}
   * (e.g. {@code "sent#2"}: the second time a run has just been sent); see {@code Checkpoints}.
   */
  static Process startKilledAt(Path log, String point, String... args) throws IOException {
    return start(log, List.of(), List.of("-Dbatchpush.test.killAt=" + point), args);
  }

  /**
   * As {@link #start(Path, String...)}, through {@code sh -c} with these shell commands first, and with the output
   * on the process's input stream: {@code ulimit -f 0} makes every write that grows a file fail as on a full disk
   * (which no test can arrange for a real one), a log file included.
   */
  static Process startAfter(String shellCommands, String... args) throws IOException {
    return startAfter(shellCommands, List.of(), args);
  }

  /** As {@link #startAfter(String, String...)}, with these options for the child's JVM. */
  static Process startAfter(String shellCommands, List<String> jvmOptions, String... args) throws IOException {
    return start(null, List.of("sh", "-c", shellCommands + " && exec \"$@\"", "sh"), jvmOptions, args);
  }

  private static Process start(Path log, List<String> prefix, List<String> jvmOptions, String... args)
      throws IOException {
    List<String> command = new ArrayList<>(prefix);
    command.addAll(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        // No hsperfdata file: it is not needed, and it is a file a full disk would refuse.
        "-XX:-UsePerfData",
        // A short-lived JVM: skip C2 and the parallel GC, both only cost start-up on a 2-core machine.
        "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx64m",
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"));
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), SpoolChild.class.getName()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    if (log != null) {
      pb.redirectOutput(log.toFile());
    }
    pb.environment().keySet().removeIf(k -> k.startsWith("BATCHPUSH_"));
    return pb.start();
  }
}
