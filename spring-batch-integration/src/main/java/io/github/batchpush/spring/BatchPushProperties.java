package io.github.batchpush.spring;

import io.github.batchpush.Defaults;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code batchpush.*} properties of the Spring Boot auto-configuration. Defaults are core's ({@link Defaults});
 * relaxed binding also reads core's variables ({@code BATCHPUSH_DEADLINE} is {@code batchpush.deadline}).
 *
 * <pre>{@code
 * batchpush.gateway.url=https://pushgateway.example:9091
 * batchpush.username=batch
 * batchpush.password-file=/run/secrets/pushgateway
 * batchpush.labels.team=billing
 * batchpush.deadline=5s
 * }</pre>
 */
@ConfigurationProperties(prefix = "batchpush")
public class BatchPushProperties {

  /** Whether to push Spring Batch job executions to the Pushgateway. */
  private boolean enabled = true;

  private Gateway gateway = new Gateway();

  /** Basic-auth user name for the Pushgateway. */
  private String username;

  /** Basic-auth password. Never logged; masked in /actuator/configprops. */
  private String password;

  /** File holding the basic-auth password (read at start-up; wins over password). */
  private Path passwordFile;

  /** Bearer token for the Pushgateway. Never logged; masked in /actuator/configprops. */
  private String bearerToken;

  /** File holding the bearer token (read at start-up; wins over bearer-token). */
  private Path bearerTokenFile;

  /** PEM file of CA certificates to trust for an https gateway, instead of the JVM's defaults. */
  private Path caCert;

  /** Longest wait for a connection in one attempt; capped by the deadline. */
  private Duration connectTimeout = Defaults.connectTimeout();

  /** Longest wait for the gateway's answer in one attempt; capped by the deadline. */
  private Duration readTimeout = Defaults.readTimeout();

  /** The most one push may add to a job, retries and spool replay included. */
  private Duration deadline = Defaults.deadline();

  /**
   * Grouping labels added to every job's group, e.g. batchpush.labels.env=prod (or, as in BATCHPUSH_LABELS,
   * team=billing,env=prod).
   */
  @LabelAssignments
  private Map<String, String> labels = new LinkedHashMap<>();

  /** Prefix of every metric name. */
  private String metricPrefix = Defaults.METRIC_PREFIX;

  /** Whether every Job bean is instrumented, not only those annotated with @PushMetrics. */
  private boolean instrumentAllJobs;

  /** Whether to also push the start time when a job starts, for hung-job alerts. */
  private boolean pushAtStart;

  /** Freshness SLO declared for every job without its own @PushMetrics(maxAge), e.g. 26h. */
  private Duration maxAge;

  /** Whether push problems are thrown (they are logged by Spring Batch; job status never changes). */
  private boolean strict;

  /** Whether runs that cannot be delivered are spooled and delivered later. */
  private boolean spoolEnabled = true;

  /** Spool directory; default $XDG_STATE_HOME/batchpush/spool, else ~/.local/state/batchpush/spool. */
  private Path spoolDir;

  /** Also write each run to DIR/JOB.prom for node_exporter's textfile collector. */
  private Path textfileDir;

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public Gateway getGateway() {
    return gateway;
  }

  public void setGateway(Gateway gateway) {
    this.gateway = gateway;
  }

  public String getUsername() {
    return username;
  }

  public void setUsername(String username) {
    this.username = username;
  }

  public String getPassword() {
    return password;
  }

  public void setPassword(String password) {
    this.password = password;
  }

  public Path getPasswordFile() {
    return passwordFile;
  }

  public void setPasswordFile(Path passwordFile) {
    this.passwordFile = passwordFile;
  }

  public String getBearerToken() {
    return bearerToken;
  }

  public void setBearerToken(String bearerToken) {
    this.bearerToken = bearerToken;
  }

  public Path getBearerTokenFile() {
    return bearerTokenFile;
  }

  public void setBearerTokenFile(Path bearerTokenFile) {
    this.bearerTokenFile = bearerTokenFile;
  }

  public Path getCaCert() {
    return caCert;
  }

  public void setCaCert(Path caCert) {
    this.caCert = caCert;
  }

  public Duration getConnectTimeout() {
    return connectTimeout;
  }

  public void setConnectTimeout(Duration connectTimeout) {
    this.connectTimeout = connectTimeout;
  }

  public Duration getReadTimeout() {
    return readTimeout;
  }

  public void setReadTimeout(Duration readTimeout) {
    this.readTimeout = readTimeout;
  }

  public Duration getDeadline() {
    return deadline;
  }

  public void setDeadline(Duration deadline) {
    this.deadline = deadline;
  }

  public Map<String, String> getLabels() {
    return labels;
  }

  public void setLabels(Map<String, String> labels) {
    this.labels = labels;
  }

  public String getMetricPrefix() {
    return metricPrefix;
  }

  public void setMetricPrefix(String metricPrefix) {
    this.metricPrefix = metricPrefix;
  }

  public boolean isInstrumentAllJobs() {
    return instrumentAllJobs;
  }

  public void setInstrumentAllJobs(boolean instrumentAllJobs) {
    this.instrumentAllJobs = instrumentAllJobs;
  }

  public boolean isPushAtStart() {
    return pushAtStart;
  }

  public void setPushAtStart(boolean pushAtStart) {
    this.pushAtStart = pushAtStart;
  }

  public Duration getMaxAge() {
    return maxAge;
  }

  public void setMaxAge(Duration maxAge) {
    this.maxAge = maxAge;
  }

  public boolean isStrict() {
    return strict;
  }

  public void setStrict(boolean strict) {
    this.strict = strict;
  }

  public boolean isSpoolEnabled() {
    return spoolEnabled;
  }

  public void setSpoolEnabled(boolean spoolEnabled) {
    this.spoolEnabled = spoolEnabled;
  }

  public Path getSpoolDir() {
    return spoolDir;
  }

  public void setSpoolDir(Path spoolDir) {
    this.spoolDir = spoolDir;
  }

  public Path getTextfileDir() {
    return textfileDir;
  }

  public void setTextfileDir(Path textfileDir) {
    this.textfileDir = textfileDir;
  }

  /** Where the Pushgateway is. */
  public static class Gateway {

    /**
     * Base URL of the Pushgateway, http or https, optionally with a path prefix. Text, checked by core: a URL that
     * does not parse is then reported with its credentials masked.
     */
    private String url = Defaults.GATEWAY;

    /** The gateway at {@code url}, as core's {@code BATCHPUSH_GATEWAY} gives it; blank means the default. */
    static Gateway of(String url) {
      Gateway gateway = new Gateway();
      if (!url.isBlank()) {
        gateway.setUrl(url);
      }
      return gateway;
    }

    public String getUrl() {
      return url;
    }

    public void setUrl(String url) {
      this.url = url;
    }
  }
}
