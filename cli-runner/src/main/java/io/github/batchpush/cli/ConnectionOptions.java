package io.github.batchpush.cli;

import io.github.batchpush.BatchPush;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Where and how to reach the gateway; shared by every command. Secrets are never option values (they would show in
 * {@code ps}): passwords and tokens come from files or from the environment.
 */
final class ConnectionOptions {
  static final String PASSWORD_ENV = "BATCHPUSH_PASSWORD";
  static final String BEARER_TOKEN_ENV = "BATCHPUSH_BEARER_TOKEN";
  static final String LABELS_ENV = "BATCHPUSH_LABELS";

  @Option(names = "--gateway", paramLabel = "URL", defaultValue = "${env:BATCHPUSH_GATEWAY:-http://localhost:9091}",
      description = "Pushgateway base URL, http or https, optionally with a path prefix "
          + "(env BATCHPUSH_GATEWAY; default: ${DEFAULT-VALUE}).")
  String gateway;

  @Option(names = "--username", paramLabel = "USER", defaultValue = "${env:BATCHPUSH_USERNAME}",
      description = "Basic-auth user (env BATCHPUSH_USERNAME). The password comes from --password-file or the "
          + "BATCHPUSH_PASSWORD environment variable, never from the command line.")
  String username;

  @Option(names = "--password-file", paramLabel = "FILE", defaultValue = "${env:BATCHPUSH_PASSWORD_FILE}",
      description = "File holding the basic-auth password (env BATCHPUSH_PASSWORD_FILE).")
  Path passwordFile;

  @Option(names = "--bearer-token-file", paramLabel = "FILE", defaultValue = "${env:BATCHPUSH_BEARER_TOKEN_FILE}",
      description = "File holding a bearer token (env BATCHPUSH_BEARER_TOKEN_FILE); without it the token comes "
          + "from the BATCHPUSH_BEARER_TOKEN environment variable, if set.")
  Path bearerTokenFile;

  @Option(names = "--ca-cert", paramLabel = "FILE", defaultValue = "${env:BATCHPUSH_CA_CERT}",
      description = "PEM file of CA certificates to trust for an https gateway (env BATCHPUSH_CA_CERT).")
  Path caCert;

  @Option(names = "--deadline", paramLabel = "DURATION", defaultValue = "${env:BATCHPUSH_DEADLINE:-10s}",
      converter = DurationConverter.class,
      description = "The most one delivery may take, retries included (env BATCHPUSH_DEADLINE; "
          + "default: ${DEFAULT-VALUE}).")
  Duration deadline;

  @Option(names = {"-q", "--quiet"}, description = "Print only errors and warnings.")
  boolean quiet;

  /**
   * A builder holding these options; {@code env} supplies the secrets.
   *
   * @throws IllegalArgumentException naming the bad value, as core does
   */
  BatchPush.Builder builder(Map<String, String> env) {
    return builder(env, true);
  }

  /** As {@link #builder(Map)}; without a gateway when {@code push} is false, for textfile-only runs. */
  BatchPush.Builder builder(Map<String, String> env, boolean push) {
    BatchPush.Builder b = BatchPush.builder();
    if (push) {
      b.gateway(gatewayUri());
    }
    if (deadline != null) {
      b.deadline(deadline);
    }
    if (given(caCert)) {
      b.caCertificates(caCert);
    }
    if (given(passwordFile) && blank(username)) {
      throw new IllegalArgumentException("--password-file needs a user: add --username or set BATCHPUSH_USERNAME");
    }
    if (!blank(username)) {
      if (given(passwordFile)) {
        b.basicAuth(username, passwordFile);
      } else if (env.get(PASSWORD_ENV) != null) {
        b.basicAuth(username, env.get(PASSWORD_ENV));
      } else {
        throw new IllegalArgumentException("--username '" + username + "' needs a password: "
            + "add --password-file FILE or set BATCHPUSH_PASSWORD");
      }
    }
    if (given(bearerTokenFile)) {
      b.bearerToken(bearerTokenFile);
    } else if (!blank(env.get(BEARER_TOKEN_ENV))) {
      b.bearerToken(env.get(BEARER_TOKEN_ENV));
    }
    return b;
  }

  /**
   * The grouping labels of {@code run} and {@code delete}: those of BATCHPUSH_LABELS (parsed by core, as for
   * {@code BatchPush.fromEnvironment()}), then the --label ones, which win for the same key.
   */
  static void labels(BatchPush.Builder b, Map<String, String> env, List<String> labels) {
    String fromEnv = env.get(LABELS_ENV);
    if (fromEnv != null) {
      b.environment(Map.of(LABELS_ENV, fromEnv));
    }
    labels.forEach(b::label);
  }

  private URI gatewayUri() {
    return blank(gateway) ? BatchPush.DEFAULT_GATEWAY : uri("--gateway", gateway);
  }

  /**
   * The URL given to {@code option}; core checks the rest. The value is not repeated when it cannot be parsed:
   * it may hold a password or a token.
   */
  static URI uri(String option, String value) {
    if (blank(value)) {
      throw new IllegalArgumentException(option + " needs a URL, e.g. http://localhost:9091");
    }
    try {
      return new URI(value.strip());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("Invalid " + option + " URL: " + e.getReason() + " at index "
          + e.getIndex() + " of the value given (use e.g. http://localhost:9091)");
    }
  }

  /** An empty environment variable counts as unset, as in core. */
  static boolean given(Path p) {
    return p != null && !p.toString().isBlank();
  }

  static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
