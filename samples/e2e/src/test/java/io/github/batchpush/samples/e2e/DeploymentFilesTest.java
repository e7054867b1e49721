package io.github.batchpush.samples.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.batchpush.testing.Pushgateway;
import io.github.batchpush.testing.WebConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * The cron, systemd and Kubernetes samples and the crontab lines of the READMEs: what can be checked without a
 * cluster or a container engine, plus every batchpush command line in them run for real through the launcher the
 * build packages; the crontab and systemd lines under exactly cron's environment ({@link CronShell}).
 *
 * <p>The samples' example values are replaced by the test's own: the gateway's URL, the password file, the installed
 * launcher's path, and each job's own command (after {@code --}) by {@code true}. Everything else runs as written.
 */
class DeploymentFilesTest {
  private static final Path SAMPLES = AlertingEndToEndTest.SAMPLES;
  private static final Path REPOSITORY = SAMPLES.toAbsolutePath().normalize().getParent();
  private static final Path LAUNCHER = REPOSITORY.resolve("cli-runner/target/batchpush");
  private static final String INSTALLED = "/usr/local/bin/batchpush";
  private static final String EXAMPLE_GATEWAY = "http://pushgateway.internal:9091";
  private static final String EXAMPLE_PASSWORD_FILE = "/etc/batchpush/pushgateway-password";
  private static final String USER = "batch";
  private static final String PASSWORD = "cron-s3cret";
  private static final Pattern CRONTAB_ENTRY = Pattern.compile(
      "^(?:(?:[0-9*/,-]+\\s+){5}|@(?:reboot|yearly|annually|monthly|weekly|daily|midnight|hourly)\\s+)(\\S.*)$");
  private static final Pattern VARIABLE = Pattern.compile("^([A-Z_][A-Z0-9_]*)=(.*)$");

  @TempDir
  Path dir;

  /** The gateway the sample's example URL stands for in this test. */
  private String gatewayUri;

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
    List<String> args = list(cronJobContainer().get("args"));

    assertThat(args.get(0)).isEqualTo("run");
    assertThat(args).contains("--job", "--max-age");
    assertThat(args.indexOf("--")).isLessThan(args.size() - 1);
  }

  @Test
  void theRegisterJobIsAHelmPostInstallHookInTheCronJobsImage() throws IOException {
    Map<String, Object> job = yaml("kubernetes/register-job.yaml");

    assertThat(job).containsEntry("apiVersion", "batch/v1").containsEntry("kind", "Job");
    Map<String, Object> annotations = at(job, "metadata", "annotations");
    assertThat((String) annotations.get("helm.sh/hook")).contains("post-install");
    assertThat((String) at(job, "spec", "template", "spec", "restartPolicy")).isEqualTo("Never");
    assertThat(registerJobContainer().get("image")).isEqualTo(cronJobContainer().get("image"));
    assertThat(checkJobContainer().get("image")).isEqualTo(cronJobContainer().get("image"));
  }

  @Test
  void theRegisterJobDeclaresTheCronJobsJobWithItsLabelsAndMaxAge() throws IOException {
    List<String> register = list(registerJobContainer().get("args"));
    List<String> run = list(cronJobContainer().get("args"));

    assertThat(register.get(0)).isEqualTo("register");
    assertThat(declaration(register)).isEqualTo(declaration(run.subList(0, run.indexOf("--"))));
  }

  @Test
  void theRegisterJobThenChecksTheCronJobsJobWithItsLabels() throws IOException {
    List<String> check = list(checkJobContainer().get("args"));
    List<String> run = list(cronJobContainer().get("args"));

    assertThat(check.get(0)).isEqualTo("check");
    assertThat(group(check)).isEqualTo(group(run.subList(0, run.indexOf("--"))));
  }

  @Test
  void theCronJobAndTheRegisterJobTakeTheGatewayAndItsCredentialsFromTheSecret() throws IOException {
    assertTakesTheGatewayFromTheSecret(at(yaml("kubernetes/cronjob.yaml"), "spec", "jobTemplate", "spec", "template",
        "spec"), cronJobContainer());
    Map<String, Object> registerPod = at(yaml("kubernetes/register-job.yaml"), "spec", "template", "spec");
    assertTakesTheGatewayFromTheSecret(registerPod, registerJobContainer());
    assertTakesTheGatewayFromTheSecret(registerPod, checkJobContainer());
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
  void theCrontabAndTheSystemdServiceCallBatchpushRunByItsAbsolutePath() throws IOException {
    List<String> commands = new ArrayList<>(crontabEntries(Files.readAllLines(SAMPLES.resolve("cron/crontab"))));
    commands.add(serviceExecStart());

    assertThat(commands).hasSize(3);
    for (String command : commands) {
      // cron's PATH is /usr/bin:/bin: a bare `batchpush` would be "not found".
      assertThat(command).startsWith(INSTALLED + " run ").contains(" --job ", " -- ");
    }
    String timer = Files.readString(SAMPLES.resolve("cron/batchpush-nightly-report.timer"));
    assertThat(timer).contains("OnCalendar=", "WantedBy=timers.target");
    assertThat(Files.readString(SAMPLES.resolve("cron/batchpush-nightly-report.service"))).contains("Type=oneshot");
  }

  @Test
  void everyJobOfTheCrontabAndTheServiceIsDeclaredByItsInstallStep() throws IOException {
    List<String> crontab = Files.readAllLines(SAMPLES.resolve("cron/crontab"));
    List<String> service = Files.readAllLines(SAMPLES.resolve("cron/batchpush-nightly-report.service"));

    assertThat(declarations(calls(installStep(crontab), "register"), "register"))
        .isEqualTo(declarations(crontabEntries(crontab), "run"));
    assertThat(declarations(calls(installStep(service), "register"), "register"))
        .isEqualTo(declarations(List.of(serviceExecStart()), "run"));
  }

  @Test
  void everyJobOfTheCrontabAndTheServiceIsCheckedByItsInstallStepAfterItsRegistration() throws IOException {
    List<String> crontab = Files.readAllLines(SAMPLES.resolve("cron/crontab"));
    List<String> service = Files.readAllLines(SAMPLES.resolve("cron/batchpush-nightly-report.service"));

    assertThat(groups(calls(installStep(crontab), "check"))).isEqualTo(groups(crontabEntries(crontab)));
    assertThat(groups(calls(installStep(service), "check"))).isEqualTo(groups(List.of(serviceExecStart())));
    for (List<String> steps : List.of(installStep(crontab), installStep(service))) {
      assertThat(steps.indexOf(calls(steps, "check").get(0)))
          .isGreaterThan(steps.indexOf(calls(steps, "register").get(calls(steps, "register").size() - 1)));
    }
  }

  @Test
  void noCrontabLineHasAPercentSignWhichCronWouldTurnIntoANewline() throws IOException {
    List<String> entries = new ArrayList<>(crontabEntries(Files.readAllLines(SAMPLES.resolve("cron/crontab"))));
    for (Path readme : readmes()) {
      for (List<String> block : fencedBlocks(Files.readString(readme))) {
        entries.addAll(crontabEntries(block));
      }
    }

    assertThat(entries).isNotEmpty().noneMatch(entry -> entry.matches(".*(?<!\\\\)%.*"));
  }

  @Test
  void theCrontabsInstallStepAndLinesRunUnderCronsEnvironmentThroughTheRealLauncher() throws Exception {
    requireLauncher();
    List<String> crontab = Files.readAllLines(SAMPLES.resolve("cron/crontab"));

    try (Pushgateway gateway = gatewayWithBasicAuth()) {
      CronShell cron = new CronShell(home(), asTested(variables(crontab), gateway));
      for (String step : installStep(crontab)) {
        assertRunsAndSucceeds(cron, step);
      }
      for (String entry : crontabEntries(crontab)) {
        assertRunsAndSucceeds(cron, entry);
        assertDeclaredAndPushed(gateway, entry);
      }
    }
  }

  @Test
  void theServicesInstallStepAndExecStartRunUnderCronsEnvironmentThroughTheRealLauncher() throws Exception {
    requireLauncher();
    List<String> service = Files.readAllLines(SAMPLES.resolve("cron/batchpush-nightly-report.service"));
    // What systemd gives the service: its credentials directory (%d) holds the password, %S is /var/lib.
    Path credentials = Files.createDirectories(dir.resolve("credentials"));
    Files.writeString(credentials.resolve("pushgateway-password"), PASSWORD);
    Map<String, String> environment = new LinkedHashMap<>();
    for (String line : service) {
      Matcher m = VARIABLE.matcher(line.startsWith("Environment=") ? line.substring("Environment=".length()) : "");
      if (m.matches()) {
        environment.put(m.group(1), m.group(2).replace("%d", credentials.toString())
            .replace("%S", dir.resolve("state").toString()));
      }
    }

    try (Pushgateway gateway = gatewayWithBasicAuth()) {
      for (String step : installStep(service)) {
        assertRunsAndSucceeds(new CronShell(home(), asTested(Map.of(), gateway)), step);
      }
      String execStart = serviceExecStart();
      assertRunsAndSucceeds(new CronShell(home(), asTested(environment, gateway)), execStart);
      assertDeclaredAndPushed(gateway, execStart);
    }
  }

  @Test
  void everyCrontabLineAndInstallStepOfTheReadmesRunsUnderCronsEnvironmentThroughTheRealLauncher() throws Exception {
    requireLauncher();
    Map<Path, Integer> entriesPerReadme = new TreeMap<>();
    Map<String, Integer> installSteps = new TreeMap<>();
    try (Pushgateway gateway = tested(Pushgateway.start())) {
      for (Path readme : readmes()) {
        for (List<String> block : fencedBlocks(Files.readString(readme))) {
          CronShell cron = new CronShell(home(), asTested(variables(block), gateway));
          for (String call : batchpushCalls(block)) {
            if (call.contains(INSTALLED + " register ") || call.contains(INSTALLED + " check ")) {
              assertRunsAndSucceeds(cron, call);
              installSteps.merge(call.contains(" check ") ? "check" : "register", 1, Integer::sum);
            }
          }
          for (String entry : crontabEntries(block)) {
            assertThat(entry).as(readme + ": cron's PATH is /usr/bin:/bin").startsWith(INSTALLED + " ");
            assertRunsAndSucceeds(cron, entry);
            pushed(gateway, entry);
            entriesPerReadme.merge(REPOSITORY.relativize(readme), 1, Integer::sum);
          }
        }
      }
    }

    assertThat(entriesPerReadme).containsKeys(Path.of("README.md"), Path.of("cli-runner/README.md"));
    assertThat(installSteps).containsKeys("register", "check");
  }

  @Test
  void theKubernetesRunAndRegisterArgumentsRunThroughTheRealLauncher() throws Exception {
    requireLauncher();
    Path passwordFile = Files.writeString(dir.resolve("password"), PASSWORD);
    try (Pushgateway gateway = gatewayWithBasicAuth()) {
      for (Map<String, Object> container : List.of(registerJobContainer(), checkJobContainer(), cronJobContainer())) {
        List<String> command = new ArrayList<>(List.of(LAUNCHER.toString()));
        List<String> args = list(container.get("args"));
        command.addAll(args.contains("--") ? args.subList(0, args.indexOf("--") + 1) : args);
        if (args.contains("--")) {
          command.add("true");
        }
        // The container's environment as the Secret fills it.
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().keySet().removeIf(k -> k.startsWith("BATCHPUSH_"));
        builder.environment().put("BATCHPUSH_GATEWAY", gateway.uri().toString());
        builder.environment().put("BATCHPUSH_USERNAME", USER);
        builder.environment().put("BATCHPUSH_PASSWORD_FILE", passwordFile.toString());
        builder.environment().put("BATCHPUSH_SPOOL_DIR", dir.resolve("spool").toString());
        builder.environment().put("BATCHPUSH_CDS", "off");
        Process process = builder.start();
        String output;
        try (InputStream in = process.getInputStream()) {
          output = new String(in.readAllBytes());
        }
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as(String.join(" ", command)).isTrue();

        assertThat(process.exitValue()).as(String.join(" ", command) + "\n" + output).isZero();
      }
      assertDeclaredAndPushed(gateway, String.join(" ", list(cronJobContainer().get("args"))));
    }
  }

  // --- Running ------------------------------------------------------------------------------------------------------

  /** A real gateway that wants the samples' credentials, so that their password lines are tested too. */
  private Pushgateway gatewayWithBasicAuth() throws IOException {
    return tested(WebConfig.in(Files.createDirectories(dir.resolve("web"))).basicAuth(USER, PASSWORD).start());
  }

  private Pushgateway tested(Pushgateway gateway) {
    gatewayUri = gateway.uri().toString();
    return gateway;
  }

  private Path home() throws IOException {
    return Files.createDirectories(dir.resolve("home"));
  }

  /** The crontab's (or unit's) variables, with the test's gateway and password file for the examples'. */
  private Map<String, String> asTested(Map<String, String> variables, Pushgateway gateway) throws IOException {
    Path passwordFile = Files.writeString(dir.resolve("pushgateway-password"), PASSWORD);
    Map<String, String> tested = new LinkedHashMap<>();
    variables.forEach((name, value) -> tested.put(name, value.replace(EXAMPLE_GATEWAY, gateway.uri().toString())
        .replace(EXAMPLE_PASSWORD_FILE, passwordFile.toString())));
    // The launcher would otherwise build its class-data cache in a background JVM that outlives the test.
    tested.put("BATCHPUSH_CDS", "off");
    return tested;
  }

  /**
   * Runs a sample's command line with the test's values for the examples'; it must exit 0, and a {@code run} must
   * print nothing (cron mails whatever a job prints; batchpush adds a line only when something went wrong).
   */
  private void assertRunsAndSucceeds(CronShell cron, String commandLine) throws Exception {
    String line = commandLine.replace(INSTALLED, LAUNCHER.toString()).replace(EXAMPLE_GATEWAY, gatewayUri)
        .replace(EXAMPLE_PASSWORD_FILE, dir.resolve("pushgateway-password").toString());
    int end = line.indexOf(" -- ");
    if (end >= 0) {
      // The job's own command is not installed here.
      line = line.substring(0, end) + " -- true";
    }

    CronShell.Result r = cron.run(line);

    assertThat(r.exitCode()).as(commandLine + "\n" + r.output()).isZero();
    if (end >= 0) {
      assertThat(r.output()).as(commandLine).isEmpty();
    }
  }

  /** The group of a {@code run} command line holds a successful run and its registration. */
  private static void assertDeclaredAndPushed(Pushgateway gateway, String runLine) {
    assertThat(pushed(gateway, runLine)).as(runLine).containsKey("batch_job_registered_timestamp_seconds")
        .containsKey("batch_job_max_age_seconds");
  }

  /** The group of a {@code run} command line, which holds a successful run. */
  private static Map<String, Double> pushed(Pushgateway gateway, String runLine) {
    List<String> args = Arrays.asList(runLine.split("\\s+"));
    Map<String, String> declaration = declaration(args.subList(0, args.indexOf("--")));
    Map<String, String> labels = new TreeMap<>();
    declaration.forEach((k, v) -> {
      if (k.startsWith("--label ")) {
        labels.put(k.substring("--label ".length()), v);
      }
    });
    Map<String, Double> group = gateway.group(declaration.get("--job"), labels);
    assertThat(group).as(runLine).containsEntry("batch_job_exit_code", 0.0);
    return group;
  }

  private static void requireLauncher() {
    if (!Files.isExecutable(LAUNCHER)) {
      String message = LAUNCHER + " is missing: build it with mvn -B -pl cli-runner -am package -DskipTests";
      if ("true".equals(System.getenv("CI"))) {
        throw new IllegalStateException(message + " (CI=true: the full build packages it before the samples)");
      }
      Assumptions.abort(message);
    }
  }

  // --- Reading the samples --------------------------------------------------------------------------------------

  /** The commands of the crontab entries among {@code lines} (after the five time fields or an @keyword). */
  static List<String> crontabEntries(List<String> lines) {
    List<String> entries = new ArrayList<>();
    for (String line : lines) {
      Matcher m = CRONTAB_ENTRY.matcher(line.strip());
      if (!line.startsWith("#") && m.matches()) {
        entries.add(m.group(1));
      }
    }
    return entries;
  }

  /** The {@code NAME=value} lines among {@code lines}, as cron reads them. */
  private static Map<String, String> variables(List<String> lines) {
    Map<String, String> variables = new LinkedHashMap<>();
    for (String line : lines) {
      Matcher m = VARIABLE.matcher(line.strip());
      if (m.matches()) {
        variables.put(m.group(1), m.group(2));
      }
    }
    return variables;
  }

  /**
   * The install step in a sample's header comment: its indented shell lines (continuations joined) that configure
   * or call batchpush, each a command line of its own; {@code export} lines are prefixed to the calls after them.
   * (The others, cp, systemctl, crontab, change the machine and are not run.)
   */
  private static List<String> installStep(List<String> lines) {
    List<String> steps = batchpushCalls(lines.stream().filter(l -> l.startsWith("#   ")).map(l -> l.substring(1))
        .toList());
    assertThat(steps).as("an install step calling " + INSTALLED).isNotEmpty();
    return steps;
  }

  /**
   * The shell lines (continuations joined) that call batchpush by its installed path, each with the {@code export}
   * lines before it prefixed.
   */
  private static List<String> batchpushCalls(List<String> lines) {
    List<String> shell = new ArrayList<>();
    StringBuilder pending = new StringBuilder();
    for (String line : lines) {
      String text = line.strip();
      if (text.startsWith("#")) {
        continue;
      }
      pending.append(text.endsWith("\\") ? text.substring(0, text.length() - 1) : text);
      if (!text.endsWith("\\")) {
        shell.add(pending.toString().replaceAll("\\s+", " "));
        pending.setLength(0);
      }
    }
    List<String> steps = new ArrayList<>();
    StringBuilder exports = new StringBuilder();
    for (String command : shell) {
      if (command.startsWith("export ")) {
        exports.append(command).append("; ");
      } else if (command.contains(INSTALLED + " ") && !CRONTAB_ENTRY.matcher(command).matches()) {
        steps.add(exports + command);
      }
    }
    return steps;
  }

  /** The command lines among {@code commands} that call {@code batchpush VERB}. */
  private static List<String> calls(List<String> commands, String verb) {
    List<String> calls = commands.stream().filter(c -> c.contains(INSTALLED + " " + verb + " ")).toList();
    assertThat(calls).as("a call of batchpush " + verb + " among " + commands).isNotEmpty();
    return calls;
  }

  /** The job and labels of each command line among {@code commands}, in order. */
  private static List<Map<String, String>> groups(List<String> commands) {
    List<Map<String, String>> groups = new ArrayList<>();
    for (String command : commands) {
      List<String> args = Arrays.asList(command.split("\\s+"));
      int end = args.indexOf("--");
      groups.add(group(args.subList(args.indexOf(INSTALLED) + 1, end < 0 ? args.size() : end)));
    }
    return groups;
  }

  /** {@code --job} and each {@code --label} of an argument list. */
  private static Map<String, String> group(List<String> args) {
    Map<String, String> group = new TreeMap<>(declaration(args, false));
    assertThat(group).as(String.join(" ", args)).containsKey("--job");
    return group;
  }

  /** The job, labels and max age each {@code verb} command line among {@code commands} gives, in order. */
  private static List<Map<String, String>> declarations(List<String> commands, String verb) {
    List<Map<String, String>> declarations = new ArrayList<>();
    for (String command : commands) {
      List<String> args = Arrays.asList(command.split("\\s+"));
      int from = args.indexOf(INSTALLED) + 1;
      assertThat(args.get(from)).as(command).isEqualTo(verb);
      int end = args.indexOf("--");
      declarations.add(declaration(args.subList(from, end < 0 ? args.size() : end)));
    }
    return declarations;
  }

  /** {@code --job}, each {@code --label} and {@code --max-age} of an argument list. */
  private static Map<String, String> declaration(List<String> args) {
    Map<String, String> declaration = declaration(args, true);
    assertThat(declaration).as(String.join(" ", args)).containsKeys("--job", "--max-age");
    return declaration;
  }

  /** {@code --job}, each {@code --label}, and {@code --max-age} if {@code withMaxAge}, of an argument list. */
  private static Map<String, String> declaration(List<String> args, boolean withMaxAge) {
    Map<String, String> declaration = new TreeMap<>();
    for (int i = 0; i + 1 < args.size(); i++) {
      String value = args.get(i + 1);
      switch (args.get(i)) {
        case "--job" -> declaration.put(args.get(i), value);
        case "--max-age" -> {
          if (withMaxAge) {
            declaration.put(args.get(i), value);
          }
        }
        case "--label" -> declaration.put("--label " + value.substring(0, value.indexOf('=')),
            value.substring(value.indexOf('=') + 1));
        default -> { }
      }
    }
    return declaration;
  }

  private static String serviceExecStart() throws IOException {
    return instruction(Files.readAllLines(SAMPLES.resolve("cron/batchpush-nightly-report.service")), "ExecStart=");
  }

  private static List<Path> readmes() {
    return List.of(REPOSITORY.resolve("README.md"), REPOSITORY.resolve("core/README.md"),
        REPOSITORY.resolve("cli-runner/README.md"), REPOSITORY.resolve("spring-batch-integration/README.md"),
        SAMPLES.resolve("README.md").toAbsolutePath().normalize());
  }

  /** The lines of each fenced block of a Markdown text. */
  private static List<List<String>> fencedBlocks(String markdown) {
    List<List<String>> blocks = new ArrayList<>();
    Matcher m = Pattern.compile("```[a-z]*\\n(.*?)```", Pattern.DOTALL).matcher(markdown);
    while (m.find()) {
      blocks.add(m.group(1).lines().toList());
    }
    return blocks;
  }

  private static void assertTakesTheGatewayFromTheSecret(Map<String, Object> pod, Map<String, Object> container)
      throws IOException {
    Map<String, Object> secret = yaml("kubernetes/secret.example.yaml");
    Map<String, Object> secretData = at(secret, "stringData");
    String secretName = at(secret, "metadata", "name");

    Map<String, Map<String, Object>> env = new LinkedHashMap<>();
    for (Map<String, Object> variable : DeploymentFilesTest.<Map<String, Object>>list(container.get("env"))) {
      env.put((String) variable.get("name"), variable);
    }
    for (String name : List.of("BATCHPUSH_GATEWAY", "BATCHPUSH_USERNAME")) {
      Map<String, Object> ref = at(env.get(name), "valueFrom", "secretKeyRef");
      assertThat(ref.get("name")).as(name).isEqualTo(secretName);
      assertThat(secretData).as(name).containsKey((String) ref.get("key"));
    }
    assertThat(env).doesNotContainKey("BATCHPUSH_PASSWORD");
    String passwordFile = (String) env.get("BATCHPUSH_PASSWORD_FILE").get("value");
    Map<String, Object> volume = DeploymentFilesTest.<Map<String, Object>>list(pod.get("volumes")).get(0);
    Map<String, Object> mount = DeploymentFilesTest.<Map<String, Object>>list(container.get("volumeMounts")).get(0);
    Map<String, Object> item = DeploymentFilesTest.<Map<String, Object>>list(at(volume, "secret", "items")).get(0);
    assertThat((String) at(volume, "secret", "secretName")).isEqualTo(secretName);
    assertThat(secretData).containsKey((String) item.get("key"));
    assertThat(mount.get("name")).isEqualTo(volume.get("name"));
    assertThat(mount.get("mountPath") + "/" + item.get("path")).isEqualTo(passwordFile);
  }

  private static Map<String, Object> cronJobContainer() throws IOException {
    Map<String, Object> pod = at(yaml("kubernetes/cronjob.yaml"), "spec", "jobTemplate", "spec", "template", "spec");
    return DeploymentFilesTest.<Map<String, Object>>list(pod.get("containers")).get(0);
  }

  /** The register Job's first step: its init container. */
  private static Map<String, Object> registerJobContainer() throws IOException {
    Map<String, Object> pod = at(yaml("kubernetes/register-job.yaml"), "spec", "template", "spec");
    List<Map<String, Object>> init = list(pod.get("initContainers"));
    assertThat(init).hasSize(1);
    return init.get(0);
  }

  /** The register Job's check, which runs once the registration succeeded: its one container. */
  private static Map<String, Object> checkJobContainer() throws IOException {
    Map<String, Object> pod = at(yaml("kubernetes/register-job.yaml"), "spec", "template", "spec");
    List<Map<String, Object>> containers = list(pod.get("containers"));
    assertThat(containers).hasSize(1);
    return containers.get(0);
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
  private static <T> List<T> list(Object value) {
    assertThat(value).isInstanceOf(List.class);
    return (List<T>) value;
  }
}
