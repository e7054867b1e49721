package io.github.batchpush;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records runs of batch jobs and pushes them to a Prometheus Pushgateway.
 *
 * <pre>{@code
 * BatchPush push = BatchPush.builder()
 *     .gateway(URI.create("http://localhost:9091"))
 *     .label("team", "data")
 *     .build();
 * try (JobRun run = push.start("nightly_report")) {
 *   // ... the job ...
 *   run.succeeded();
 * }
 * }</pre>
 *
 * <p>Each run is one POST (the Pushgateway's {@code pushAdd}) to the group {@code job=<job>} plus the configured
 * labels, so a failed run replaces the exit code and completion time but never erases the last success. A run that
 * cannot be delivered is written to a spool directory and delivered, oldest first, before the next push through the
 * same spool. Delivery problems are logged, never thrown from {@link JobRun#close()}, unless {@link
 * Builder#strict(boolean) strict} mode is on.
 *
 * <p>Instances are immutable and thread-safe; share one. {@link #newBuilder()} makes a changed copy, for example
 * with the labels of one job.
 */
public final class BatchPush {
  static final Logger LOG = LoggerFactory.getLogger(BatchPush.class);

  /** The gateway that {@link #fromEnvironment()} and the CLI use when none is configured. */
  public static final URI DEFAULT_GATEWAY = URI.create("http://localhost:9091");

  private final Builder config;
  private final Map<String, String> labels;
  private final Delivery delivery;
  private final Spool spool;
  private final TextfileWriter textfile;

  private BatchPush(Builder b) {
    this.config = new Builder(b);
    this.labels = Collections.unmodifiableMap(new LinkedHashMap<>(b.labels));
    this.delivery = b.gateway == null ? null : new Delivery(
        new PushgatewaySink(b.gateway, b.authorization(), b.sslSocketFactory(), b.connectTimeout, b.readTimeout),
        b.initialBackoff, b.maxBackoff);
    this.spool = b.spoolDisabled || delivery == null ? null
        : new Spool(b.spoolDirectory != null ? b.spoolDirectory : Spool.defaultDirectory(System.getenv()),
            b.spoolMaxRuns, b.spoolMaxAge, b.clock);
    this.textfile = b.textfileDirectory == null ? null : new TextfileWriter(b.textfileDirectory);
  }

  /** A builder with the defaults: no gateway yet, prefix {@code batch_job}, a 10 s delivery deadline. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A {@code BatchPush} configured from {@code BATCHPUSH_*} environment variables, with the gateway defaulting to
   * {@code http://localhost:9091}. See {@link Builder#environment(Map)} for the variables.
   *
   * @throws IllegalArgumentException naming the variable and its value when one is invalid
   */
  public static BatchPush fromEnvironment() {
    return builder().gateway(DEFAULT_GATEWAY).environment(System.getenv()).build();
  }

  /** A builder holding this instance's configuration, to make a changed copy. */
  public Builder newBuilder() {
    return new Builder(config);
  }

  /**
   * Starts a run of {@code job} now; pushes its start time first when {@link Builder#pushAtStart} is on. That push
   * is best effort and never throws, in {@link Builder#strict strict} mode too: the end-of-run push carries the start
   * time as well, and a caller that lost the run here would lose its real start time with it.
   */
  public JobRun start(String job) {
    MetricNames.checkJobName(job);
    JobRun run = new JobRun(this, job, config.clock.instant(), config.maxAge);
    if (config.pushAtStart) {
      // The start time only helps hung-run alerts; a hanging gateway must not hold the job's start for the full
      // deadline (the end-of-run push carries the start time too).
      if (delivery != null) {
        deliverQuietly(run.startPush(), config.deadline.dividedBy(4), false);
      }
    }
    return run;
  }

  /**
   * Removes the group {@code job=<job>} plus this instance's labels from the gateway, with all its metrics.
   *
   * @throws PushException when the gateway could not be reached or refused
   */
  public void delete(String job) {
    MetricNames.checkJobName(job);
    requireGateway().delete(job, labels, deadlineFromNow());
  }

  /**
   * Delivers every spooled run now, oldest first, and tells what happened. Runs that still cannot be delivered stay
   * in the spool.
   */
  public SpoolReport flush() {
    return replay(null);
  }

  /**
   * As {@link #flush()}, and delivers to this gateway the runs spooled for {@code previousGateway} as well: after a
   * change of the gateway's URL, the runs recorded while the old one was unreachable would otherwise wait for it
   * until they age out of the spool. {@link SpoolReport#otherGateways()} tells which URLs runs wait for.
   *
   * @throws IllegalArgumentException when {@code previousGateway} is not a gateway URL
   */
  public SpoolReport flushFrom(URI previousGateway) {
    Objects.requireNonNull(previousGateway, "previousGateway == null");
    // Spooled runs name their gateway as the builder normalises it; so must the one looked for.
    return replay(Builder.checkedGateway(previousGateway).toString());
  }

  private SpoolReport replay(String adoptFrom) {
    if (spool == null) {
      return SpoolReport.EMPTY;
    }
    return spool.replay(requireGateway(), deadlineFromNow(), adoptFrom);
  }

  /** The grouping labels every run of this instance is pushed with, besides {@code job}. */
  public Map<String, String> labels() {
    return labels;
  }

  /** The gateway this instance pushes to, or null when it only writes textfiles. */
  public URI gateway() {
    return config.gateway;
  }

  /** The spool directory, or null when spooling is off. */
  public Path spoolDirectory() {
    return spool == null ? null : spool.directory();
  }

  String metricPrefix() {
    return config.metricPrefix;
  }

  Clock clock() {
    return config.clock;
  }

  /** Delivers the end-of-run push: textfile first (local, cannot hang), then the gateway via the spool. */
  void finish(Push push) {
    if (textfile != null) {
      try {
        textfile.write(push, System.nanoTime() + config.deadline.toNanos());
      } catch (IOException | RuntimeException e) {
        LOG.warn("batchpush: writing textfile for {} to {} failed: {}", push.group(), textfile.directory(),
            e.toString());
        if (config.strict) {
          throw new PushException("writing textfile for " + push.group() + " failed: " + e, e);
        }
      }
    }
    if (delivery != null) {
      deliverQuietly(push, config.deadline, config.strict);
    }
  }

  private void deliverQuietly(Push push, Duration budget, boolean strict) {
    try {
      if (spool != null) {
        spool.deliver(push, delivery, System.nanoTime() + budget.toNanos());
      } else {
        delivery.pushAdd(push, System.nanoTime() + budget.toNanos());
      }
    } catch (PushException e) {
      LOG.warn("batchpush: {}", e.getMessage());
      if (strict) {
        throw e;
      }
    } catch (RuntimeException e) {
      // A bug of ours must not break the job either; the run may be lost, so say so loudly.
      LOG.error("batchpush: delivery of {} failed unexpectedly, the run may be LOST: {}", push.group(), e.toString());
      if (strict) {
        throw new PushException("delivery of " + push.group() + " failed unexpectedly: " + e, e);
      }
    }
  }

  private Delivery requireGateway() {
    if (delivery == null) {
      throw new IllegalStateException("No gateway configured: set one with gateway(URI) or BATCHPUSH_GATEWAY");
    }
    return delivery;
  }

  private long deadlineFromNow() {
    return System.nanoTime() + config.deadline.toNanos();
  }

  @Override
  public String toString() {
    return "BatchPush{gateway=" + config.gateway + ", labels=" + labels + ", metricPrefix=" + config.metricPrefix
        + ", auth=" + (config.bearerToken != null ? "bearer" : config.username != null ? "basic" : "none") + "}";
  }

  /**
   * Configures a {@link BatchPush}. Setters check their argument; {@link #build()} checks that the parts fit and
   * reads secret files.
   */
  public static final class Builder {
    private URI gateway;
    private final Map<String, String> labels = new LinkedHashMap<>();
    private String metricPrefix = MetricNames.DEFAULT_PREFIX;
    private String username;
    private String password;
    private Path passwordFile;
    private String bearerToken;
    private Path bearerTokenFile;
    private Path caCertificates;
    private Path trustStore;
    private char[] trustStorePassword;
    private Duration connectTimeout = Duration.ofSeconds(3);
    private Duration readTimeout = Duration.ofSeconds(5);
    private Duration deadline = Duration.ofSeconds(10);
    private Duration initialBackoff = Duration.ofMillis(200);
    private Duration maxBackoff = Duration.ofSeconds(2);
    private boolean pushAtStart;
    private Duration maxAge;
    private boolean strict;
    private Path spoolDirectory;
    private boolean spoolDisabled;
    private int spoolMaxRuns = 10_000;
    private Duration spoolMaxAge = Duration.ofDays(7);
    private Path textfileDirectory;
    private Clock clock = Clock.systemUTC();

    Builder() {}

    private Builder(Builder o) {
      gateway = o.gateway;
      labels.putAll(o.labels);
      metricPrefix = o.metricPrefix;
      username = o.username;
      password = o.password;
      passwordFile = o.passwordFile;
      bearerToken = o.bearerToken;
      bearerTokenFile = o.bearerTokenFile;
      caCertificates = o.caCertificates;
      trustStore = o.trustStore;
      trustStorePassword = o.trustStorePassword;
      connectTimeout = o.connectTimeout;
      readTimeout = o.readTimeout;
      deadline = o.deadline;
      initialBackoff = o.initialBackoff;
      maxBackoff = o.maxBackoff;
      pushAtStart = o.pushAtStart;
      maxAge = o.maxAge;
      strict = o.strict;
      spoolDirectory = o.spoolDirectory;
      spoolDisabled = o.spoolDisabled;
      spoolMaxRuns = o.spoolMaxRuns;
      spoolMaxAge = o.spoolMaxAge;
      textfileDirectory = o.textfileDirectory;
      clock = o.clock;
    }

    /**
     * The Pushgateway's base URL, http or https, optionally with a path prefix ({@code https://gw.example/pgw}).
     * Credentials do not belong in the URL; use {@link #basicAuth} or {@link #bearerToken}.
     */
    public Builder gateway(URI gateway) {
      this.gateway = checkedGateway(gateway);
      return this;
    }

    /** {@code gateway} as every delivery and spooled run names it, once it is known to be a gateway URL. */
    static URI checkedGateway(URI gateway) {
      Objects.requireNonNull(gateway, "gateway == null");
      String scheme = gateway.getScheme() == null ? "" : gateway.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https")) {
        throw new IllegalArgumentException("Invalid gateway URL: '" + PushgatewaySink.redacted(gateway)
            + "' (use http:// or https://, e.g. http://localhost:9091)");
      }
      if (gateway.getHost() == null) {
        throw new IllegalArgumentException("Invalid gateway URL: '" + PushgatewaySink.redacted(gateway)
            + "' (no host; use e.g. http://localhost:9091)");
      }
      if (gateway.getRawUserInfo() != null) {
        throw new IllegalArgumentException("Invalid gateway URL: credentials in the URL would end up in logs; "
            + "remove them and use a username and password (BATCHPUSH_USERNAME, BATCHPUSH_PASSWORD)");
      }
      if (gateway.getRawQuery() != null || gateway.getRawFragment() != null) {
        throw new IllegalArgumentException("Invalid gateway URL: '" + PushgatewaySink.redacted(gateway)
            + "' (no query or fragment; a path prefix such as /pgw is fine)");
      }
      return URI.create(PushgatewaySink.stripTrailingSlash(gateway.toString()));
    }

    /** Adds a grouping label to every run: it becomes part of the group the runs are pushed to. */
    public Builder label(String name, String value) {
      Objects.requireNonNull(value, "label value == null");
      labels.put(MetricNames.checkLabelName(name), value);
      return this;
    }

    /** Adds a grouping label written as {@code key=value}, as on command lines and in annotations. */
    public Builder label(String assignment) {
      Map.Entry<String, String> label = Labels.label(assignment);
      labels.put(label.getKey(), label.getValue());
      return this;
    }

    /** The prefix of every metric name; default {@code batch_job}. */
    public Builder metricPrefix(String metricPrefix) {
      this.metricPrefix = MetricNames.checkPrefix(metricPrefix);
      return this;
    }

    /** HTTP basic authentication. The password is never logged. */
    public Builder basicAuth(String username, String password) {
      this.username = Objects.requireNonNull(username, "username == null");
      this.password = Objects.requireNonNull(password, "password == null");
      this.passwordFile = null;
      return this;
    }

    /** HTTP basic authentication with the password read from {@code passwordFile} by {@link #build()}. */
    public Builder basicAuth(String username, Path passwordFile) {
      this.username = Objects.requireNonNull(username, "username == null");
      this.passwordFile = Objects.requireNonNull(passwordFile, "passwordFile == null");
      this.password = null;
      return this;
    }

    /** An {@code Authorization: Bearer} token. Never logged. */
    public Builder bearerToken(String token) {
      this.bearerToken = Objects.requireNonNull(token, "bearerToken == null");
      this.bearerTokenFile = null;
      return this;
    }

    /** A bearer token read from {@code tokenFile} by {@link #build()}. */
    public Builder bearerToken(Path tokenFile) {
      this.bearerTokenFile = Objects.requireNonNull(tokenFile, "bearerTokenFile == null");
      this.bearerToken = null;
      return this;
    }

    /** Trusts the CA certificates in this PEM file (instead of the JVM's defaults) for an https gateway. */
    public Builder caCertificates(Path pemFile) {
      this.caCertificates = Objects.requireNonNull(pemFile, "caCertificates == null");
      return this;
    }

    /** Trusts the certificates in this keystore (PKCS12 or JKS) for an https gateway. */
    public Builder trustStore(Path keyStore, char[] password) {
      this.trustStore = Objects.requireNonNull(keyStore, "trustStore == null");
      this.trustStorePassword = password == null ? null : password.clone();
      return this;
    }

    /** Longest wait for a TCP/TLS connection in one attempt; default 3 s. Capped by the deadline. */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive(timeout, "connectTimeout");
      return this;
    }

    /** Longest wait for the gateway's answer in one attempt; default 5 s. Capped by the deadline. */
    public Builder readTimeout(Duration timeout) {
      this.readTimeout = positive(timeout, "readTimeout");
      return this;
    }

    /** The most one delivery may take, retries and spool replay included; default 10 s. */
    public Builder deadline(Duration deadline) {
      this.deadline = positive(deadline, "deadline");
      return this;
    }

    /** The first pause between retries; it doubles per retry up to 2 s, with jitter. Default 200 ms. */
    public Builder retryBackoff(Duration initialBackoff) {
      this.initialBackoff = positive(initialBackoff, "retryBackoff");
      this.maxBackoff = initialBackoff.compareTo(Duration.ofSeconds(2)) > 0 ? initialBackoff : Duration.ofSeconds(2);
      return this;
    }

    /** Also push {@code <prefix>_last_start_timestamp_seconds} when a run starts, for hung-run alerts. */
    public Builder pushAtStart(boolean pushAtStart) {
      this.pushAtStart = pushAtStart;
      return this;
    }

    /**
     * Declares a freshness SLO for the runs started: the last success may be at most this old. Pushed as
     * {@code <prefix>_max_age_seconds}, which the shipped alert rules compare against.
     */
    public Builder maxAge(Duration maxAge) {
      this.maxAge = positive(maxAge, "maxAge");
      return this;
    }

    /** When on, {@link JobRun#close()} throws {@link PushException} instead of only logging; default off. */
    public Builder strict(boolean strict) {
      this.strict = strict;
      return this;
    }

    /**
     * Where undelivered runs wait; default {@code $XDG_STATE_HOME/batchpush/spool}, else
     * {@code ~/.local/state/batchpush/spool}. The directory is created readable by its owner only.
     */
    public Builder spoolDirectory(Path directory) {
      this.spoolDirectory = Objects.requireNonNull(directory, "spoolDirectory == null");
      this.spoolDisabled = false;
      return this;
    }

    /** Turns the spool off: a run that cannot be delivered within the deadline is then lost (and logged). */
    public Builder noSpool() {
      this.spoolDisabled = true;
      return this;
    }

    /** Bounds the spool: at most {@code maxRuns} runs (default 10,000), none older than {@code maxAge} (7 days). */
    public Builder spoolLimits(int maxRuns, Duration maxAge) {
      if (maxRuns < 1) {
        throw new IllegalArgumentException("Invalid spool limit: " + maxRuns + " runs (must be at least 1)");
      }
      this.spoolMaxRuns = maxRuns;
      this.spoolMaxAge = positive(maxAge, "spool maxAge");
      return this;
    }

    /**
     * Also writes each run to {@code DIR/<job>.prom} for node_exporter's textfile collector
     * ({@code --collector.textfile.directory}). Works with or without a gateway.
     */
    public Builder textfileDirectory(Path directory) {
      this.textfileDirectory = Objects.requireNonNull(directory, "textfileDirectory == null");
      return this;
    }

    /** The clock runs are timed with; for tests. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock == null");
      return this;
    }

    /**
     * Applies the {@code BATCHPUSH_*} variables present in {@code env}; absent ones leave the builder as it is.
     *
     * <table>
     *   <caption>Variables</caption>
     *   <tr><td>BATCHPUSH_GATEWAY</td><td>gateway URL</td></tr>
     *   <tr><td>BATCHPUSH_USERNAME, BATCHPUSH_PASSWORD, BATCHPUSH_PASSWORD_FILE</td><td>basic auth</td></tr>
     *   <tr><td>BATCHPUSH_BEARER_TOKEN, BATCHPUSH_BEARER_TOKEN_FILE</td><td>bearer token</td></tr>
     *   <tr><td>BATCHPUSH_CA_CERT</td><td>PEM file of CA certificates to trust</td></tr>
     *   <tr><td>BATCHPUSH_LABELS</td><td>grouping labels, {@code key=value,key=value}</td></tr>
     *   <tr><td>BATCHPUSH_METRIC_PREFIX</td><td>metric prefix</td></tr>
     *   <tr><td>BATCHPUSH_DEADLINE</td><td>delivery deadline, e.g. {@code 10s}</td></tr>
     *   <tr><td>BATCHPUSH_SPOOL_DIR</td><td>spool directory</td></tr>
     *   <tr><td>BATCHPUSH_TEXTFILE_DIR</td><td>textfile collector directory</td></tr>
     * </table>
     *
     * @throws IllegalArgumentException naming the variable and the value (never a secret's value)
     */
    public Builder environment(Map<String, String> env) {
      apply(env, "BATCHPUSH_GATEWAY", v -> gateway(URI.create(v.trim())));
      apply(env, "BATCHPUSH_METRIC_PREFIX", this::metricPrefix);
      apply(env, "BATCHPUSH_DEADLINE", v -> deadline(Durations.parse(v)));
      apply(env, "BATCHPUSH_CA_CERT", v -> caCertificates(Paths.get(v)));
      apply(env, "BATCHPUSH_SPOOL_DIR", v -> spoolDirectory(Paths.get(v)));
      apply(env, "BATCHPUSH_TEXTFILE_DIR", v -> textfileDirectory(Paths.get(v)));
      apply(env, "BATCHPUSH_LABELS", v -> {
        labels.putAll(Labels.labels(v));
        return this;
      });
      String user = nonEmpty(env.get("BATCHPUSH_USERNAME"));
      if (user != null) {
        String pw = env.get("BATCHPUSH_PASSWORD");
        String pwFile = nonEmpty(env.get("BATCHPUSH_PASSWORD_FILE"));
        if (pwFile != null) {
          basicAuth(user, Paths.get(pwFile));
        } else if (pw != null) {
          basicAuth(user, pw);
        } else {
          throw new IllegalArgumentException("BATCHPUSH_USERNAME is set but neither BATCHPUSH_PASSWORD nor "
              + "BATCHPUSH_PASSWORD_FILE is: set one of them");
        }
      }
      String tokenFile = nonEmpty(env.get("BATCHPUSH_BEARER_TOKEN_FILE"));
      String token = nonEmpty(env.get("BATCHPUSH_BEARER_TOKEN"));
      if (tokenFile != null) {
        bearerToken(Paths.get(tokenFile));
      } else if (token != null) {
        bearerToken(token);
      }
      return this;
    }

    /**
     * Builds the instance, reading secret files and the CA bundle.
     *
     * @throws IllegalStateException when neither a gateway nor a textfile directory is set
     * @throws IllegalArgumentException when the parts do not fit or a file cannot be read
     */
    public BatchPush build() {
      if (gateway == null && textfileDirectory == null) {
        throw new IllegalStateException("No gateway configured: set one with gateway(URI) or BATCHPUSH_GATEWAY "
            + "(or a textfile directory)");
      }
      if (username != null && (bearerToken != null || bearerTokenFile != null)) {
        throw new IllegalArgumentException("Both basic auth and a bearer token are configured: use one of them");
      }
      Builder resolved = new Builder(this);
      if (passwordFile != null) {
        resolved.password = readSecret(passwordFile, "password file");
      }
      if (bearerTokenFile != null) {
        resolved.bearerToken = readSecret(bearerTokenFile, "bearer token file");
      }
      resolved.password = checkSecret(resolved.password, "password");
      resolved.bearerToken = checkSecret(resolved.bearerToken, "bearer token");
      checkSecret(username, "username");
      return new BatchPush(resolved);
    }

    String authorization() {
      if (bearerToken != null) {
        return "Bearer " + bearerToken;
      }
      if (username != null) {
        String credentials = username + ":" + password;
        return "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
      }
      return null;
    }

    SSLSocketFactory sslSocketFactory() {
      if (caCertificates == null && trustStore == null) {
        return null;
      }
      try {
        KeyStore trusted;
        if (trustStore != null) {
          trusted = KeyStore.getInstance(trustStore.toFile(), trustStorePassword);
        } else {
          trusted = KeyStore.getInstance(KeyStore.getDefaultType());
          trusted.load(null, null);
        }
        if (caCertificates != null) {
          int i = 0;
          for (Certificate c : readCertificates(caCertificates)) {
            trusted.setCertificateEntry("batchpush-ca-" + i++, c);
          }
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context.getSocketFactory();
      } catch (IOException | GeneralSecurityException e) {
        Path file = trustStore != null ? trustStore : caCertificates;
        throw new IllegalArgumentException("Cannot load trusted certificates from '" + file + "': " + e.getMessage()
            + " (give a PEM file of CA certificates, or a PKCS12/JKS truststore and its password)", e);
      }
    }

    private static Collection<? extends Certificate> readCertificates(Path pem)
        throws IOException, GeneralSecurityException {
      try (InputStream in = Files.newInputStream(pem)) {
        Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509")
            .generateCertificates(in);
        if (certificates.isEmpty()) {
          throw new GeneralSecurityException("no certificate in the file");
        }
        return certificates;
      }
    }

    /**
     * Strips the line break a secret from a file, an env file or a Kubernetes Secret tends to end with, and refuses
     * any other control character: it would make the HTTP header invalid, and the JDK's message for that quotes the
     * whole header, secret included. The message here names the secret, never its value.
     */
    private static String checkSecret(String secret, String what) {
      if (secret == null) {
        return null;
      }
      String stripped = secret.strip();
      for (int i = 0; i < stripped.length(); i++) {
        char c = stripped.charAt(i);
        if (c < 0x20 || c == 0x7f) {
          throw new IllegalArgumentException("The " + what + " contains a control character (a line break or tab "
              + "inside it?): remove it");
        }
      }
      if (stripped.isEmpty()) {
        throw new IllegalArgumentException("The " + what + " is empty: give the secret itself");
      }
      return stripped;
    }

    private static String readSecret(Path file, String what) {
      try {
        String secret = Files.readString(file, StandardCharsets.UTF_8).strip();
        if (secret.isEmpty()) {
          throw new IllegalArgumentException("The " + what + " '" + file + "' is empty: put the secret in it");
        }
        return secret;
      } catch (IOException e) {
        throw new IllegalArgumentException("Cannot read the " + what + " '" + file + "': " + e.getClass()
            .getSimpleName() + " (check that it exists and is readable by this user)", e);
      }
    }

    private void apply(Map<String, String> env, String name, Function<String, Builder> setter) {
      String value = nonEmpty(env.get(name));
      if (value == null) {
        return;
      }
      try {
        setter.apply(value);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("Invalid " + name + ": " + e.getMessage(), e);
      }
    }

    private static String nonEmpty(String s) {
      return s == null || s.isBlank() ? null : s;
    }

    private static Duration positive(Duration d, String what) {
      Objects.requireNonNull(d, what + " == null");
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("Invalid " + what + ": " + d + " (must be positive)");
      }
      return d;
    }
  }
}
