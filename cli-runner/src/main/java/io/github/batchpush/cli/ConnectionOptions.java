package io.github.batchpush.cli;

import io.github.batchpush.BatchPush;
import io.github.batchpush.Defaults;
import io.github.batchpush.Setting;
import java.util.EnumMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Where and how to reach the gateway; shared by every command. The command line only translates: a builder starts
 * from core's table of {@code BATCHPUSH_*} variables, then takes the options given on the command line, which win.
 * Secrets are never option values (they would show in {@code ps}): passwords and tokens come from files or from the
 * environment.
 */
final class ConnectionOptions {
  /** The options that stand for a setting of core's table, by which messages name it. */
  private static final Map<Setting, String> OPTIONS = new EnumMap<>(Map.of(
      Setting.GATEWAY, "--gateway", Setting.USERNAME, "--username", Setting.PASSWORD_FILE, "--password-file",
      Setting.BEARER_TOKEN_FILE, "--bearer-token-file", Setting.CA_CERT, "--ca-cert", Setting.DEADLINE, "--deadline",
      Setting.LABELS, "--label", Setting.METRIC_PREFIX, "--metric-prefix", Setting.SPOOL_DIR, "--spool-dir",
      Setting.TEXTFILE_DIR, "--textfile-dir"));

  @Option(names = "--gateway", paramLabel = "URL",
      description = "Pushgateway base URL, http or https, optionally with a path prefix "
          + "(env BATCHPUSH_GATEWAY; default: " + Defaults.GATEWAY + ").")
  String gateway;

  @Option(names = "--username", paramLabel = "USER",
      description = "Basic-auth user (env BATCHPUSH_USERNAME). The password comes from --password-file or the "
          + "BATCHPUSH_PASSWORD environment variable, never from the command line.")
  String username;

  @Option(names = "--password-file", paramLabel = "FILE",
      description = "File holding the basic-auth password (env BATCHPUSH_PASSWORD_FILE).")
  String passwordFile;

  @Option(names = "--bearer-token-file", paramLabel = "FILE",
      description = "File holding a bearer token (env BATCHPUSH_BEARER_TOKEN_FILE); without it the token comes "
          + "from the BATCHPUSH_BEARER_TOKEN environment variable, if set.")
  String bearerTokenFile;

  @Option(names = "--ca-cert", paramLabel = "FILE",
      description = "PEM file of CA certificates to trust for an https gateway (env BATCHPUSH_CA_CERT).")
  String caCert;

  @Option(names = "--deadline", paramLabel = "DURATION",
      description = "The most one delivery may take, retries included (env BATCHPUSH_DEADLINE; "
          + "default: " + Defaults.DEADLINE + ").")
  String deadline;

  @Option(names = {"-q", "--quiet"}, description = "Print only errors and warnings.")
  boolean quiet;

  /**
   * A builder from the environment and these options; {@code push} false leaves it without a gateway, for
   * textfile-only runs.
   *
   * @throws IllegalArgumentException naming the option or variable and the bad value, as core does
   */
  BatchPush.Builder builder(Map<String, String> env, boolean push) {
    BatchPush.Builder b = BatchPush.builder().keyNames(ConnectionOptions::name).gateway(BatchPush.DEFAULT_GATEWAY)
        .environment(env);
    given(b, Setting.GATEWAY, gateway);
    given(b, Setting.USERNAME, username);
    given(b, Setting.PASSWORD_FILE, passwordFile);
    given(b, Setting.BEARER_TOKEN_FILE, bearerTokenFile);
    given(b, Setting.CA_CERT, caCert);
    given(b, Setting.DEADLINE, deadline);
    return push ? b : b.noGateway();
  }

  /** Applies an option's value when it was given on the command line. */
  static void given(BatchPush.Builder b, Setting setting, String value) {
    if (value != null) {
      b.set(setting, value, name(setting));
    }
  }

  /** How a message names a setting: by its option, else by its variable. */
  static String name(Setting setting) {
    return OPTIONS.getOrDefault(setting, setting.environmentVariable());
  }
}
