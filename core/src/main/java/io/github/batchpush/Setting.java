package io.github.batchpush;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.function.BiConsumer;

/**
 * The settings that every face of batchpush configures the same way: each has one {@code BATCHPUSH_*} environment
 * variable, a default (or none), and one way to be read from text. {@link BatchPush.Builder#environment} applies the
 * variables; the command line applies its options on top through {@link BatchPush.Builder#set}, and the Spring Boot
 * auto-configuration maps its {@code batchpush.*} properties one to one.
 *
 * <pre>{@code
 * BatchPush.builder()
 *     .environment(System.getenv())                     // BATCHPUSH_GATEWAY, BATCHPUSH_DEADLINE, ...
 *     .set(Setting.DEADLINE, "5s", "--deadline")        // an option given on the command line wins
 *     .build();
 * }</pre>
 *
 * <p>Precedence among related settings is core's too, applied by {@link BatchPush.Builder#build()}: a password file
 * wins over a password, a token file over a token; basic auth and a bearer token together are refused, naming both
 * keys as the face calls them.
 */
public enum Setting {
  /** The Pushgateway's base URL. */
  GATEWAY("BATCHPUSH_GATEWAY", Defaults.GATEWAY, "gateway(URI)",
      (b, v) -> b.gateway(GatewayUrl.parse(v))),
  /** The basic-auth user. */
  USERNAME("BATCHPUSH_USERNAME", null, "username(String)", BatchPush.Builder::username),
  /** The basic-auth password; a secret: never logged, never echoed. */
  PASSWORD("BATCHPUSH_PASSWORD", null, "password(String)", BatchPush.Builder::password),
  /** A file holding the basic-auth password; wins over {@link #PASSWORD}. */
  PASSWORD_FILE("BATCHPUSH_PASSWORD_FILE", null, "passwordFile(Path)",
      (b, v) -> b.passwordFile(path(v))),
  /** An {@code Authorization: Bearer} token; a secret. */
  BEARER_TOKEN("BATCHPUSH_BEARER_TOKEN", null, "bearerToken(String)", BatchPush.Builder::bearerToken),
  /** A file holding the bearer token; wins over {@link #BEARER_TOKEN}. */
  BEARER_TOKEN_FILE("BATCHPUSH_BEARER_TOKEN_FILE", null, "bearerToken(Path)",
      (b, v) -> b.bearerToken(path(v))),
  /** A PEM file of CA certificates to trust for an https gateway. */
  CA_CERT("BATCHPUSH_CA_CERT", null, "caCertificates(Path)", (b, v) -> b.caCertificates(path(v))),
  /** Grouping labels, {@code key=value,key=value}, added to those already set. */
  LABELS("BATCHPUSH_LABELS", null, "label(String)", (b, v) -> Labels.labels(v).forEach(b::label)),
  /** The prefix of every metric name. */
  METRIC_PREFIX("BATCHPUSH_METRIC_PREFIX", Defaults.METRIC_PREFIX, "metricPrefix(String)",
      BatchPush.Builder::metricPrefix),
  /** Longest wait for a connection in one attempt. */
  CONNECT_TIMEOUT("BATCHPUSH_CONNECT_TIMEOUT", Defaults.CONNECT_TIMEOUT, "connectTimeout(Duration)",
      (b, v) -> b.connectTimeout(Durations.parse(v))),
  /** Longest wait for the gateway's answer in one attempt. */
  READ_TIMEOUT("BATCHPUSH_READ_TIMEOUT", Defaults.READ_TIMEOUT, "readTimeout(Duration)",
      (b, v) -> b.readTimeout(Durations.parse(v))),
  /** The most one delivery may take, retries and spool replay included. */
  DEADLINE("BATCHPUSH_DEADLINE", Defaults.DEADLINE, "deadline(Duration)", (b, v) -> b.deadline(Durations.parse(v))),
  /** Where undelivered runs wait. */
  SPOOL_DIR("BATCHPUSH_SPOOL_DIR", Defaults.SPOOL_DIRECTORY, "spoolDirectory(Path)",
      (b, v) -> b.spoolDirectory(path(v))),
  /** Also write each run for node_exporter's textfile collector, to this directory. */
  TEXTFILE_DIR("BATCHPUSH_TEXTFILE_DIR", null, "textfileDirectory(Path)",
      (b, v) -> b.textfileDirectory(path(v)));

  private final String environmentVariable;
  private final String defaultValue;
  private final String builderMethod;
  private final BiConsumer<BatchPush.Builder, String> fromText;

  Setting(String environmentVariable, String defaultValue, String builderMethod,
      BiConsumer<BatchPush.Builder, String> fromText) {
    this.environmentVariable = environmentVariable;
    this.defaultValue = defaultValue;
    this.builderMethod = builderMethod;
    this.fromText = fromText;
  }

  /** The {@code BATCHPUSH_*} variable that sets it. */
  public String environmentVariable() {
    return environmentVariable;
  }

  /** The default as a user would write it, or null when there is none (the setting is then off). */
  public String defaultValue() {
    return defaultValue;
  }

  /** Whether the value is a secret: never logged, echoed, or shown as a default. */
  public boolean isSecret() {
    return this == PASSWORD || this == BEARER_TOKEN;
  }

  /** How a Java caller sets it, which is how messages name it when no face gave it another name. */
  String builderMethod() {
    return builderMethod;
  }

  /** Applies {@code text} to {@code builder}; an IllegalArgumentException names the value, not the key. */
  void apply(BatchPush.Builder builder, String text) {
    fromText.accept(builder, text);
  }

  /** An empty path would silently mean the working directory. */
  private static Path path(String text) {
    if (text.isBlank()) {
      throw new IllegalArgumentException("'' (give a path)");
    }
    return Paths.get(text);
  }
}
