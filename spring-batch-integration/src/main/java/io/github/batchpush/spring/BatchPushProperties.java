package io.github.batchpush.spring;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code batchpush.*} properties of the Spring Boot auto-configuration.
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
  private Duration connectTimeout = Duration.ofSeconds(3);

  /** Longest wait for the gateway's answer in one attempt; capped by the deadline. */
  private Duration readTimeout = Duration.ofSeconds(5);

  /** The most one push may add to a job, retries and spool replay included. */
  private Duration deadline = Duration.ofSeconds(10);

  /** Grouping labels added to every job's group, e.g. batchpush.labels.env=prod. */
  private Labels labels = new Labels();

  /** Prefix of every metric name. */
  private String metricPrefix = "batch_job";

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

  public Labels getLabels() {
    return labels;
  }

  public void setLabels(Labels labels) {
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

  /**
   * Grouping labels by name. Also takes core's {@code BATCHPUSH_LABELS=team=billing,env=prod} form, which relaxed
   * binding hands over as one string: kept as written under the key {@code ""} (never a label name, and the binder
   * copies only entries) for core to parse and check.
   */
  public static class Labels extends LinkedHashMap<String, String> {
    private static final long serialVersionUID = 1L;

    static Labels of(String assignments) {
      Labels labels = new Labels();
      labels.put("", assignments);
      return labels;
    }

    /** The {@code key=value,key=value} string these labels were bound from, or null. */
    String assignments() {
      return get("");
    }

    /** The labels given by name. */
    Map<String, String> byName() {
      Map<String, String> byName = new LinkedHashMap<>(this);
      byName.remove("");
      return byName;
    }
  }

  /** Where the Pushgateway is. */
  public static class Gateway {

    /** Base URL of the Pushgateway, http or https, optionally with a path prefix. */
    private URI url = URI.create("http://localhost:9091");

    /** The gateway at {@code url}; blank means the default. */
    static Gateway of(String url) {
      Gateway gateway = new Gateway();
      if (!url.isBlank()) {
        gateway.setUrl(URI.create(url.trim()));
      }
      return gateway;
    }

    public URI getUrl() {
      return url;
    }

    public void setUrl(URI url) {
      this.url = url;
    }
  }
}
