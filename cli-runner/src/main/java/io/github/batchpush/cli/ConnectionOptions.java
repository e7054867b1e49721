package io.github.batchpush.cli;

import io.github.batchpush.BatchPush;
import io.github.batchpush.Defaults;
import io.github.batchpush.Setting;
import java.util.EnumMap;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Where and how to reach the gateway; shared by every command that talks to it. The command line only translates: a
 * builder starts from core's table of {@code BATCHPUSH_*} variables, then takes the options given on the command
 * line, which win. Secrets are never option values (they would show in {@code ps}): passwords and tokens come from
 * files or from the environment.
 *
 * <pre>{@code
 * ConnectionOptions.addTo(spec);                                    // when the command declares its options
 * BatchPush.Builder b = new ConnectionOptions(spec).builder(System.getenv(), true);   // once they are parsed
 * }</pre>
 */
final class ConnectionOptions {
  /** The options that stand for a setting of core's table, by which messages name it. */
  private static final Map<Setting, String> OPTIONS = new EnumMap<>(Map.of(
      Setting.GATEWAY, "--gateway", Setting.USERNAME, "--username", Setting.PASSWORD_FILE, "--password-file",
      Setting.BEARER_TOKEN_FILE, "--bearer-token-file", Setting.CA_CERT, "--ca-cert", Setting.DEADLINE, "--deadline",
      Setting.LABELS, "--label", Setting.METRIC_PREFIX, "--metric-prefix", Setting.SPOOL_DIR, "--spool-dir",
      Setting.TEXTFILE_DIR, "--textfile-dir"));

  final String gateway;
  final String username;
  final String passwordFile;
  final String bearerTokenFile;
  final String caCert;
  final String deadline;
  final boolean quiet;

  /** The options as given to {@code spec}, to which {@link #addTo} added them. */
  ConnectionOptions(CommandSpec spec) {
    gateway = Specs.value(spec, "--gateway");
    username = Specs.value(spec, "--username");
    passwordFile = Specs.value(spec, "--password-file");
    bearerTokenFile = Specs.value(spec, "--bearer-token-file");
    caCert = Specs.value(spec, "--ca-cert");
    deadline = Specs.value(spec, "--deadline");
    quiet = Specs.given(spec, "--quiet");
  }

  /** Declares the options: where the gateway is, how to authenticate to it, how long to try, how much to say. */
  static void addTo(CommandSpec spec) {
    spec.addOption(Specs.option("--gateway", "URL", "Pushgateway base URL, http or https, optionally with a path "
        + "prefix (env BATCHPUSH_GATEWAY; default: " + Defaults.GATEWAY + ")."));
    spec.addOption(Specs.option("--username", "USER", "Basic-auth user (env BATCHPUSH_USERNAME). The password comes "
        + "from --password-file or the BATCHPUSH_PASSWORD environment variable, never from the command line."));
    spec.addOption(Specs.option("--password-file", "FILE",
        "File holding the basic-auth password (env BATCHPUSH_PASSWORD_FILE)."));
    spec.addOption(Specs.option("--bearer-token-file", "FILE", "File holding a bearer token (env "
        + "BATCHPUSH_BEARER_TOKEN_FILE); without it the token comes from the BATCHPUSH_BEARER_TOKEN environment "
        + "variable, if set."));
    spec.addOption(Specs.option("--ca-cert", "FILE",
        "PEM file of CA certificates to trust for an https gateway (env BATCHPUSH_CA_CERT)."));
    spec.addOption(Specs.option("--deadline", "DURATION", "The most one delivery may take, retries included (env "
        + "BATCHPUSH_DEADLINE; default: " + Defaults.DEADLINE + ")."));
    spec.addOption(Specs.flag(new String[] {"-q", "--quiet"}, "Print only errors and warnings."));
  }

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
