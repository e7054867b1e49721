package io.github.batchpush.samples.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a command line the way Debian's cron runs a crontab entry: {@code /bin/sh -c LINE} in the user's home, with
 * exactly cron's environment ({@code HOME}, {@code LOGNAME}, {@code SHELL=/bin/sh}, {@code PATH=/usr/bin:/bin}: no
 * {@code JAVA_HOME}, no {@code LANG}) plus the crontab's own variable lines, which may override all of them but
 * {@code LOGNAME}.
 *
 * <pre>{@code
 * CronShell cron = new CronShell(home, Map.of("BATCHPUSH_GATEWAY", gateway));
 * CronShell.Result r = cron.run("/usr/local/bin/batchpush run --job x -- true");
 * }</pre>
 */
final class CronShell {
  private final Path home;
  private final Map<String, String> crontabVariables;

  CronShell(Path home, Map<String, String> crontabVariables) {
    this.home = home;
    this.crontabVariables = new LinkedHashMap<>(crontabVariables);
  }

  record Result(int exitCode, String output) {}

  Result run(String commandLine) throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(List.of("/bin/sh", "-c", commandLine)).directory(home.toFile())
        .redirectErrorStream(true);
    Map<String, String> env = builder.environment();
    env.clear();
    env.put("HOME", home.toString());
    env.put("LOGNAME", System.getProperty("user.name"));
    env.put("SHELL", "/bin/sh");
    env.put("PATH", "/usr/bin:/bin");
    env.putAll(crontabVariables);
    env.put("LOGNAME", System.getProperty("user.name"));
    Process process = builder.start();
    String output;
    try (InputStream in = process.getInputStream()) {
      output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as(commandLine).isTrue();
    return new Result(process.exitValue(), output);
  }
}
