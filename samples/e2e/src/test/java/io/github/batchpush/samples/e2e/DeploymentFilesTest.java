package io.github.batchpush.samples.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.batchpush.testing.Pushgateway;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * The cron, systemd and Kubernetes samples: what can be checked without a cluster or a container engine, plus every
 * {@code batchpush run} command line in them run for real through the launcher the build packages.
 */
class DeploymentFilesTest {
  private static final Path SAMPLES = AlertingEndToEndTest.SAMPLES;
  private static final Path LAUNCHER = SAMPLES.resolve("../cli-runner/target/batchpush").normalize();

  @Test
  void theCronJobManifestHasWhatABatchV1CronJobNeeds() throws IOException {
    Map<String, Object> cronJob = yaml("kubernetes/cronjob.yaml");

    assertThat(cronJob).containsEntry("apiVersion", "batch/v1").containsEntry("kind", "CronJob");
    assertThat((String) at(cronJob, "metadata", "name")).isEqualTo("nightly-report");
    assertThat(((String) at(cronJob, "spec", "schedule")).split(" ")).hasSize(5);
    Map<String, Object> pod = at(cronJob, "spec", "jobTemplate", "spec", "template", "spec");
    assertThat(pod.get("restartPolicy")).isIn("Never", "OnFailure");
    List<Map<String, Object>> containers = list(pod.get("containers"));
    assertThat(containers).hasSize(1);
    assertThat((String) containers.get(0).get("image")).isNotBlank();
  }

  @Test
  void theCronJobRunsItsCommandThroughBatchpushRun() throws IOException {
    List<String> args = list(container().get("args"));

    assertThat(args.get(0)).isEqualTo("run");
    assertThat(args).contains("--job", "--max-age");
    assertThat(args.indexOf("--")).isLessThan(args.size() - 1);
  }

  @Test
  void theCronJobTakesTheGatewayAndItsCredentialsFromTheSecret() throws IOException {
    Map<String, Object> secret = yaml("kubernetes/secret.example.yaml");
    Map<String, Object> secretData = at(secret, "stringData");
    String secretName = at(secret, "metadata", "name");

    Map<String, Map<String, Object>> env = new java.util.LinkedHashMap<>();
    for (Map<String, Object> variable : this.<Map<String, Object>>list(container().get("env"))) {
      env.put((String) variable.get("name"), variable);
    }
    for (String name : List.of("BATCHPUSH_GATEWAY", "BATCHPUSH_USERNAME")) {
      Map<String, Object> ref = at(env.get(name), "valueFrom", "secretKeyRef");
      assertThat(ref.get("name")).as(name).isEqualTo(secretName);
      assertThat(secretData).as(name).containsKey((String) ref.get("key"));
    }
    assertThat(env).doesNotContainKey("BATCHPUSH_PASSWORD");
    String passwordFile = (String) env.get("BATCHPUSH_PASSWORD_FILE").get("value");
    Map<String, Object> pod = at(yaml("kubernetes/cronjob.yaml"), "spec", "jobTemplate", "spec", "template", "spec");
    Map<String, Object> volume = this.<Map<String, Object>>list(pod.get("volumes")).get(0);
    Map<String, Object> mount = this.<Map<String, Object>>list(container().get("volumeMounts")).get(0);
    Map<String, Object> item = this.<Map<String, Object>>list(at(volume, "secret", "items")).get(0);
    assertThat((String) at(volume, "secret", "secretName")).isEqualTo(secretName);
    assertThat(secretData).containsKey((String) item.get("key"));
    assertThat(mount.get("name")).isEqualTo(volume.get("name"));
    assertThat(mount.get("mountPath") + "/" + item.get("path")).isEqualTo(passwordFile);
  }

  @Test
  void theImageStartsTheBatchpushLauncherUnderTiniFromDebianPackages() throws IOException {
    List<String> dockerfile = Files.readAllLines(SAMPLES.resolve("kubernetes/Dockerfile"));

    String entrypoint = instruction(dockerfile, "ENTRYPOINT");
    List<String> command = Arrays.asList(new ObjectMapper().readValue(entrypoint, String[].class));
    assertThat(command).containsExactly("/usr/bin/tini", "--", LAUNCHER.getFileName().toString());
    assertThat(instruction(dockerfile, "FROM")).startsWith("debian:");
    assertThat(String.join("\n", dockerfile)).contains("apt-get install -y --no-install-recommends", " tini")
        .doesNotContain("http://", "https://", "curl", "wget");
    assertThat(instruction(dockerfile, "COPY")).startsWith("cli-runner/target/batchpush ");
  }

  @Test
  void theCrontabAndTheSystemdServiceWrapTheirCommandsInBatchpushRun() throws IOException {
    List<List<String>> commands = sampleCommandLines();

    assertThat(commands).hasSize(3);
    for (List<String> command : commands) {
      assertThat(command.get(0)).endsWith("batchpush");
      assertThat(command.get(1)).isEqualTo("run");
      assertThat(command).contains("--job", "--");
    }
    String timer = Files.readString(SAMPLES.resolve("cron/batchpush-nightly-report.timer"));
    assertThat(timer).contains("OnCalendar=", "WantedBy=timers.target");
    assertThat(Files.readString(SAMPLES.resolve("cron/batchpush-nightly-report.service"))).contains("Type=oneshot");
  }

  @Test
  void everySampleCommandLineRunsThroughTheRealLauncherAndPushes(@TempDir Path spool) throws Exception {
    requireLauncher();
    List<List<String>> commands = sampleCommandLines();
    List<String> cronJobArgs = list(container().get("args"));
    commands.add(new ArrayList<>(List.of("batchpush")));
    commands.get(commands.size() - 1).addAll(cronJobArgs);

    try (Pushgateway gateway = Pushgateway.start()) {
      for (List<String> command : commands) {
        // Our launcher instead of the installed one, and `true` instead of the job itself.
        List<String> real = new ArrayList<>(command.subList(0, command.indexOf("--") + 1));
        real.set(0, LAUNCHER.toString());
        real.add("true");
        ProcessBuilder builder = new ProcessBuilder(real).redirectErrorStream(true);
        builder.environment().keySet().removeIf(k -> k.startsWith("BATCHPUSH_"));
        builder.environment().put("BATCHPUSH_GATEWAY", gateway.uri().toString());
        builder.environment().put("BATCHPUSH_SPOOL_DIR", spool.toString());
        // The launcher would otherwise train its class-data cache in a background JVM that outlives the test.
        builder.environment().put("BATCHPUSH_CDS", "off");
        Process process = builder.start();
        String output;
        try (InputStream in = process.getInputStream()) {
          output = new String(in.readAllBytes());
        }
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as(String.join(" ", real)).isTrue();

        assertThat(process.exitValue()).as(String.join(" ", real) + "\n" + output).isZero();
        String job = command.get(command.indexOf("--job") + 1);
        assertThat(gateway.scrape()).as(String.join(" ", real))
            .containsPattern("batch_job_exit_code\\{[^}]*job=\"" + job + "\"[^}]*} 0");
      }
    }
  }

  /** The {@code batchpush ...} command lines of the crontab's job lines and the service's ExecStart. */
  static List<List<String>> sampleCommandLines() throws IOException {
    List<List<String>> commands = new ArrayList<>();
    for (String line : Files.readAllLines(SAMPLES.resolve("cron/crontab"))) {
      if (line.isBlank() || line.startsWith("#") || line.matches("^[A-Z_]+=.*")) {
        continue;
      }
      List<String> fields = Arrays.asList(line.trim().split("\\s+"));
      commands.add(new ArrayList<>(fields.subList(5, fields.size())));
    }
    String exec = instruction(Files.readAllLines(SAMPLES.resolve("cron/batchpush-nightly-report.service")),
        "ExecStart=");
    commands.add(new ArrayList<>(Arrays.asList(exec.split("\\s+"))));
    return commands;
  }

  private static void requireLauncher() {
    if (!Files.isExecutable(LAUNCHER)) {
      String message = LAUNCHER + " is missing: build it with mvn -B install -DskipTests -pl cli-runner -am";
      if ("true".equals(System.getenv("CI"))) {
        throw new IllegalStateException(message + " (CI=true: the full build packages it before the samples)");
      }
      Assumptions.abort(message);
    }
  }

  private Map<String, Object> container() throws IOException {
    Map<String, Object> pod = at(yaml("kubernetes/cronjob.yaml"), "spec", "jobTemplate", "spec", "template", "spec");
    return this.<Map<String, Object>>list(pod.get("containers")).get(0);
  }

  private static String instruction(List<String> lines, String keyword) {
    return lines.stream().filter(l -> l.startsWith(keyword)).findFirst()
        .map(l -> l.substring(keyword.length()).trim())
        .orElseThrow(() -> new AssertionError("no " + keyword + " line"));
  }

  private static Map<String, Object> yaml(String path) throws IOException {
    try (InputStream in = Files.newInputStream(SAMPLES.resolve(path))) {
      return new Yaml().load(in);
    }
  }

  @SuppressWarnings("unchecked")
  private static <T> T at(Map<String, Object> map, String... keys) {
    Object value = map;
    for (String key : keys) {
      assertThat(value).as("parent of " + key).isInstanceOf(Map.class);
      value = ((Map<String, Object>) value).get(key);
    }
    return (T) value;
  }

  @SuppressWarnings("unchecked")
  private <T> List<T> list(Object value) {
    assertThat(value).isInstanceOf(List.class);
    return (List<T>) value;
  }
}
