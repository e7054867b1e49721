package io.github.batchpush.samples.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.batchpush.BatchPush;
import io.github.batchpush.JobRun;
import io.github.batchpush.testing.Pushgateway;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The shipped Grafana dashboard parses and asks only for metrics batchpush pushes. Its queries run in a real
 * Prometheus in {@link AlertingEndToEndTest} (Pushgateway) and {@link TextfileAlertingEndToEndTest} (node_exporter).
 */
class DashboardTest {
  static final Path DASHBOARD = AlertingEndToEndTest.SAMPLES.resolve("grafana/batchpush-dashboard.json");
  /** The job variable's query: Grafana's query_result() around PromQL, and a regex that picks the job's name. */
  private static final Pattern QUERY_RESULT = Pattern.compile("query_result\\((.*)\\)");

  private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Set<String> PROMQL_WORDS = Set.of("by", "without", "on", "ignoring", "group_left",
      "group_right", "and", "or", "unless", "bool", "offset");

  @Test
  void repeatsOneRowPerJobOfTheJobVariable() throws IOException {
    JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());

    JsonNode jobVariable = null;
    for (JsonNode variable : dashboard.get("templating").get("list")) {
      if ("job".equals(variable.get("name").asText())) {
        jobVariable = variable;
      }
    }
    assertThat(jobVariable).isNotNull();
    assertThat(jobVariable.get("query").get("query").asText()).isEqualTo(jobVariable.get("definition").asText())
        .startsWith("query_result(count by (job) (label_replace(");
    JsonNode row = dashboard.get("panels").get(0);
    assertThat(row.get("type").asText()).isEqualTo("row");
    assertThat(row.get("repeat").asText()).isEqualTo("job");
    List<String> titles = new ArrayList<>();
    dashboard.get("panels").forEach(panel -> titles.add(panel.get("title").asText()));
    assertThat(titles).containsExactly("Job $job", "Time since last success", "Max age", "Share of max age used",
        "Last duration", "Last exit code", "Time since last skip", "Skipped since last success",
        "Duration over time");
  }

  @Test
  void everyQueryUsesOnlyMetricsThatARunOrASkipPushes() throws IOException {
    Set<String> pushed = new TreeSet<>();
    try (Pushgateway gateway = Pushgateway.start()) {
      BatchPush push = BatchPush.builder().gateway(gateway.uri()).noSpool().strict(true).build();
      try (JobRun run = push.start("nightly_report").maxAge(Duration.ofHours(26))) {
        run.succeeded();
      }
      push.skipped("nightly_report");
      gateway.scrape().lines().filter(l -> l.startsWith("# TYPE ")).forEach(l -> pushed.add(l.split(" ")[2]));
    }

    Set<String> used = new TreeSet<>();
    for (String expr : exprs()) {
      used.addAll(metricNames(expr));
    }
    assertThat(used).isNotEmpty();
    assertThat(pushed).containsAll(used);
  }

  @Test
  void metricNamesSkipsLabelMatchersFunctionsAndKeywords() {
    assertThat(metricNames("sum by (job) (rate(foo_total{job=~\"$job\", a=\"b c\"}[5m])) / on (job) bar"))
        .containsExactly("bar", "foo_total");
    assertThat(metricNames("label_replace(foo{job=~\"$job\"}, \"job\", \"$1\", \"exported_job\", \"(.+)\")"))
        .containsExactly("foo");
  }

  @Test
  void theJobVariablePicksTheJobOutOfEachResultLine() throws IOException {
    Pattern regex = jobVariableRegex();

    Matcher m = regex.matcher("{job=\"nightly_report\"} 2 1764000000000");

    assertThat(m.find()).isTrue();
    assertThat(m.group(1)).isEqualTo("nightly_report");
  }

  /** The PromQL inside the job variable's {@code query_result(...)}. */
  static String jobVariablePromQl() throws IOException {
    Matcher m = QUERY_RESULT.matcher(jobVariable().get("query").get("query").asText());
    assertThat(m.matches()).isTrue();
    return m.group(1);
  }

  /** The job names the variable takes from the answer to {@link #jobVariablePromQl()}, as Grafana would. */
  static Set<String> jobVariableValues(JsonNode queryData) throws IOException {
    Pattern regex = jobVariableRegex();
    Set<String> jobs = new TreeSet<>();
    for (JsonNode series : queryData.get("result")) {
      // Grafana matches the regex against each result line as query_result() prints it: {labels} value time.
      StringBuilder line = new StringBuilder("{");
      series.get("metric").properties().forEach(l -> line.append(line.length() > 1 ? "," : "")
          .append(l.getKey()).append("=\"").append(l.getValue().asText()).append('"'));
      Matcher m = regex.matcher(line.append("} ").append(series.get("value").get(1).asText()));
      if (m.find()) {
        jobs.add(m.group(1));
      }
    }
    return jobs;
  }

  private static Pattern jobVariableRegex() throws IOException {
    String regex = jobVariable().get("regex").asText();
    assertThat(regex).startsWith("/").endsWith("/");
    return Pattern.compile(regex.substring(1, regex.length() - 1));
  }

  private static JsonNode jobVariable() throws IOException {
    for (JsonNode variable : new ObjectMapper().readTree(DASHBOARD.toFile()).get("templating").get("list")) {
      if ("job".equals(variable.get("name").asText())) {
        return variable;
      }
    }
    throw new AssertionError("no job variable in " + DASHBOARD);
  }

  /** Every PromQL expression in the dashboard, Grafana variables and all. */
  static List<String> exprs() throws IOException {
    List<String> exprs = new ArrayList<>();
    new ObjectMapper().readTree(DASHBOARD.toFile()).findValues("expr").forEach(e -> exprs.add(e.asText()));
    return exprs;
  }

  /** The metric names a PromQL expression selects. */
  static Set<String> metricNames(String expr) {
    String stripped = expr.replaceAll("\\{[^}]*}", " ").replaceAll("\\[[^]]*]", " ").replaceAll("\"[^\"]*\"", " ")
        .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
    Set<String> names = new TreeSet<>();
    Matcher m = IDENTIFIER.matcher(stripped);
    while (m.find()) {
      boolean isCall = stripped.substring(m.end()).stripLeading().startsWith("(");
      if (!isCall && !PROMQL_WORDS.contains(m.group())) {
        names.add(m.group());
      }
    }
    return names;
  }
}
