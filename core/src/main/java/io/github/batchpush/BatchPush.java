package io.github.batchpush;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import javax.net.ssl.SSLSocketFactory;
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
 * cannot be delivered is written to a spool directory and delivered with a later push through the same spool, never
 * over a newer run of its group. Delivery problems are logged, never thrown from {@link JobRun#close()}, unless {@link
 * Builder#strict(boolean) strict} mode is on.
 *
 * <p>{@link #register(String, Duration)} declares a job before it ever runs, so that a job that never runs pages
 * too. Instances are immutable and thread-safe; share one. {@link #newBuilder()} makes a changed copy, for example
 * with the labels of one job.
 *
 * <p>Delivery problems are logged through SLF4J: add a provider (slf4j-simple, Logback, ...). Without one, the first
 * problem of the process is printed on stderr.
 */
public final class BatchPush {
  private static final Logger LOG = LoggerFactory.getLogger(BatchPush.class);

  /** The gateway that {@link #fromEnvironment()} and the CLI use when none is configured. */
  public static final URI DEFAULT_GATEWAY = Defaults.gateway();

  /** How an instance authenticates to the gateway. */
  public enum Authentication {
    /** No credentials are sent. */
    NONE,
    /** HTTP basic authentication. */
    BASIC,
    /** An {@code Authorization: Bearer} token. */
    BEARER
  }

  private final URI gateway;
  private final Map<String, String> labels;
  private final String metricPrefix;
  private final Credentials credentials;
  private final TrustMaterial trust;
  private final Duration connectTimeout;
  private final Duration readTimeout;
  private final Duration deadline;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final boolean pushAtStart;
  private final Duration maxAge;
  private final boolean strict;
  private final Path spoolDirectory;
  /** How the user set the spool directory, for {@link #preflight()}'s fix. */
  private final String spoolKey;
  /** How the user set the textfile directory, likewise. */
  private final String textfileKey;
  /** How the user sets the CA file, for the fix of a TLS failure. */
  private final String caKey;
  private final int spoolMaxRuns;
  private final Duration spoolMaxAge;
  private final Path textfileDirectory;
  private final Path lockDirectory;
  private final Clock clock;
  /** Built by library code, not by a face (the CLI, Spring), which reports the spool its own way. */
  private final boolean library;

  private final Delivery delivery;
  private final Spool spool;
  private final TextfileWriter textfile;

  private BatchPush(Builder b, Credentials credentials, TrustMaterial trust) {
    this.gateway = b.gateway;
    this.labels = Collections.unmodifiableMap(new LinkedHashMap<>(b.labels));
    this.metricPrefix = b.metricPrefix;
    this.credentials = credentials;
    this.trust = trust;
    this.connectTimeout = b.connectTimeout;
    this.readTimeout = b.readTimeout;
    this.deadline = b.deadline;
    this.initialBackoff = b.initialBackoff;
    this.maxBackoff = b.maxBackoff;
    this.pushAtStart = b.pushAtStart;
    this.maxAge = b.maxAge;
    this.strict = b.strict;
    this.spoolMaxRuns = b.spoolMaxRuns;
    this.spoolMaxAge = b.spoolMaxAge;
    this.textfileDirectory = b.textfileDirectory;
    this.lockDirectory = b.lockDirectory != null ? b.lockDirectory : RunLock.defaultDirectory(System.getenv());
    this.clock = b.clock;
    this.library = !b.namedByFace;
    this.delivery = gateway == null ? null : new Delivery(new PushgatewaySink(gateway, credentials.authorization(),
        trust == null ? null : trust.socketFactory(), connectTimeout, readTimeout), initialBackoff, maxBackoff);
    this.spool = b.spoolDisabled || delivery == null ? null
        : new Spool(b.spoolDirectory != null ? b.spoolDirectory : Spool.defaultDirectory(System.getenv()),
            spoolMaxRuns, spoolMaxAge, clock);
    this.spoolDirectory = spool == null ? null : spool.directory();
    this.spoolKey = b.key(Setting.SPOOL_DIR);
    this.textfileKey = b.key(Setting.TEXTFILE_DIR);
    this.caKey = b.key(Setting.CA_CERT);
    this.textfile = textfileDirectory == null ? null : new TextfileWriter(textfileDirectory);
  }

  /** A builder with the defaults of {@link Defaults}: no gateway yet, prefix {@code batch_job}, a 10 s deadline. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A {@code BatchPush} configured from {@code BATCHPUSH_*} environment variables, with the gateway defaulting to
   * {@code http://localhost:9091}. See {@link Setting} for the variables.
   *
   * @throws IllegalArgumentException naming the variable and its value when one is invalid
   */
  public static BatchPush fromEnvironment() {
    return builder().gateway(DEFAULT_GATEWAY).environment(System.getenv()).build();
  }

  /** A builder holding this instance's configuration, to make a changed copy. */
  public Builder newBuilder() {
    return new Builder(this);
  }

  /**
   * Starts a run of {@code job} now; pushes its start time first when {@link Builder#pushAtStart} is on. That push
   * is best effort and never throws, in {@link Builder#strict strict} mode too: the end-of-run push carries the start
   * time as well, and a caller that lost the run here would lose its real start time with it.
   */
  public JobRun start(String job) {
    MetricNames.checkJobName(job);
    JobRun run = new JobRun(this, job, clock.instant(), maxAge);
    if (pushAtStart && delivery != null) {
      // The start time only helps hung-run alerts; a hanging gateway must not hold the job's start for the full
      // deadline (the end-of-run push carries the start time too).
      deliverQuietly(run.startPush(), deadline.dividedBy(4), false);
    }
    return run;
  }

  /**
   * Declares {@code job}, in this instance's group labels, on the gateway before it ever runs: its freshness SLO
   * ({@code <prefix>_max_age_seconds}) and when it was declared ({@code <prefix>_registered_timestamp_seconds}).
   * With the shipped alert rules, {@code BatchJobNoRecentSuccess} then pages when the job has had no success within
   * {@code maxAge} of its declaration, so a job that never runs (a crontab line never installed, a wrapper that is
   * not found, an application that dies at start-up) pages as well; its first success clears the alert.
   *
   * <pre>{@code
   * // When the job is installed, or when the application that runs it starts:
   * Instant since = push.register("nightly_report", Duration.ofHours(26));
   * }</pre>
   *
   * <p>One POST, like a run, which never touches the last success, the exit code or anything else a run pushed.
   * Registering again is safe and changes only the max age: the time of the first declaration is read back from the
   * gateway and kept, so a job registered at every start of an application that keeps crashing still pages. A run's
   * own max age ({@link Builder#maxAge}, {@link JobRun#maxAge}) replaces the registered one when the run is pushed.
   * Registrations are not spooled; the whole call is bounded by the {@link Builder#deadline deadline}.
   *
   * @return when the job was first declared: now, or the time of an earlier registration, which is kept
   * @throws PushException when the gateway could not be reached or refused; when it cannot even be read, nothing
   *     is sent
   * @throws IllegalStateException when this instance writes textfiles only (no gateway)
   * @throws IllegalArgumentException for an empty job name or a max age that is not positive
   */
  public Instant register(String job, Duration maxAge) {
    MetricNames.checkJobName(job);
    Builder.positive(maxAge, "maxAge");
    return Registration.declare(this, requireGateway(), job, maxAge, deadlineFromNow());
  }

  /**
   * Reads the gateway, pushing nothing, as a check before a job's first night: one GET of its {@code /metrics}, as
   * {@link #register} reads it, with this instance's URL, CA, credentials and timeouts, within the {@link
   * Builder#deadline deadline}. It proves that the gateway is reachable and takes the credentials, and tells which
   * Pushgateway it is ({@link GatewayProbe#version()}) and how long it took.
   *
   * <pre>{@code
   * GatewayProbe probe = push.probe();
   * System.out.println("Pushgateway " + probe.version() + " answered in " + probe.elapsed().toMillis() + " ms");
   * }</pre>
   *
   * @throws GatewayUnreachableException when no answer comes in time (refused, a TLS failure, a hang)
   * @throws GatewayRejectedException when the gateway answers with an error status (401 for wrong credentials)
   * @throws IllegalStateException when this instance writes textfiles only (no gateway)
   */
  public GatewayProbe probe() {
    requireGateway();
    return GatewayProbe.read(this, null, deadlineFromNow());
  }

  /**
   * As {@link #probe()}, and reads what the group {@code job=<job>} plus this instance's labels holds of what the
   * shipped alert rules look at: whether it exists, its max age, registration, last success and completion, and
   * whether the gateway rejected the latest push to it; {@link GatewayProbe#noRecentSuccessAt()} tells when the
   * freshness alert fires unless a run succeeds first, or that it cannot fire at all.
   *
   * <pre>{@code
   * GatewayProbe probe = push.probe("nightly_report");
   * if (probe.noRecentSuccessAt() == null) {
   *   System.err.println("nightly_report would not page if it never ran: register it with its max age");
   * }
   * }</pre>
   *
   * @throws GatewayUnreachableException when no answer comes in time (refused, a TLS failure, a hang)
   * @throws GatewayRejectedException when the gateway answers with an error status (401 for wrong credentials)
   * @throws IllegalStateException when this instance writes textfiles only (no gateway)
   * @throws IllegalArgumentException for an empty job name
   */
  public GatewayProbe probe(String job) {
    MetricNames.checkJobName(job);
    requireGateway();
    return GatewayProbe.read(this, job, deadlineFromNow());
  }

  /**
   * Removes the group {@code job=<job>} plus this instance's labels from the gateway, with all its metrics, and the
   * group's runs waiting in the spool for this gateway (a later flush would bring the group back with them).
   *
   * @return how many spooled runs of the group were dropped
   * @throws PushException when the gateway could not be reached or refused (nothing is dropped then), or when the
   *     group was deleted but its spooled runs could not be dropped (the spool busy or unusable)
   */
  public int delete(String job) {
    MetricNames.checkJobName(job);
    Delivery gateway = requireGateway();
    if (spool == null) {
      gateway.delete(job, labels, deadlineFromNow());
      return 0;
    }
    return spool.deleteGroup(gateway, job, labels, deadlineFromNow());
  }

  /**
   * The gateway's groups that nothing has pushed to for longer than {@code olderThan}, among those whose job matches
   * {@code jobs} as a whole: for cleaning up the groups of jobs that were retired or renamed, which the gateway keeps
   * for ever. A group that declares a max age ({@code <prefix>_max_age_seconds}) is stale too but kept unless
   * {@code includeMaxAge}: deleting it would silence the freshness alert that says its job stopped. One read of
   * {@code GET <gateway>/api/v1/metrics}, bounded by the {@link Builder#deadline deadline}; nothing is deleted.
   *
   * <pre>{@code
   * StaleGroups stale = push.staleGroups(Duration.ofDays(30), Pattern.compile(".*"), false);
   * stale.toDelete().forEach(push::delete);
   * }</pre>
   *
   * @throws PushException when the gateway could not be reached, refused, or answered with something else
   * @throws IllegalStateException when this instance writes textfiles only (no gateway)
   * @throws IllegalArgumentException for a duration that is not positive
   */
  public StaleGroups staleGroups(Duration olderThan, Pattern jobs, boolean includeMaxAge) {
    Builder.positive(olderThan, "olderThan");
    Objects.requireNonNull(jobs, "jobs == null");
    requireGateway();
    List<GatewayGroup> groups = new GatewayReader(this).groups(MetricNames.name(metricPrefix, MetricNames.MAX_AGE),
        deadlineFromNow(), "gc");
    return StaleGroups.of(groups, clock.instant(), olderThan, jobs, includeMaxAge);
  }

  /**
   * Removes exactly {@code group} from the gateway, whatever labels it has, with all its metrics. Unlike {@link
   * #delete(String)}, it leaves the group's spooled runs alone: they are runs of a job that still ran, which gc must
   * not lose.
   *
   * @throws PushException when the gateway could not be reached or refused
   */
  public void delete(GatewayGroup group) {
    Objects.requireNonNull(group, "group == null");
    requireGateway().delete(group.job(), group.labels(), deadlineFromNow());
  }

  /**
   * Takes this host's overlap lock of {@code job}'s group (the job plus this instance's labels), waiting up to
   * {@code wait} while another run of the group holds it: so that at most one run of the group runs at a time. Close
   * it once the run is pushed; when it was not {@link RunLock#acquired() acquired}, record the skip with {@link
   * #skipped(String)}.
   *
   * <pre>{@code
   * try (RunLock lock = push.lock("nightly_report", Duration.ZERO)) {
   *   if (!lock.acquired()) {
   *     push.skipped("nightly_report");
   *     return;
   *   }
   *   try (JobRun run = push.start("nightly_report")) { ... }
   * }
   * }</pre>
   *
   * <p>The lock is a file in the {@link Builder#lockDirectory lock directory}, locked by the OS: the kernel releases
   * it when this process ends, however it ends, and a file left behind never blocks. It is per user unless users
   * share a lock directory they can all write.
   *
   * @throws IllegalStateException naming the file and the fix when the lock directory cannot be used
   * @throws IllegalArgumentException for an empty job name or a negative wait
   */
  public RunLock lock(String job, Duration wait) {
    MetricNames.checkJobName(job);
    Objects.requireNonNull(wait, "wait == null");
    if (wait.isNegative()) {
      throw new IllegalArgumentException("Invalid wait: " + wait + " (must not be negative)");
    }
    return RunLock.take(lockDirectory, job, labels, wait, clock.instant());
  }

  /**
   * Records that a run of {@code job} was skipped because the previous one still ran: pushes
   * {@code <prefix>_last_skip_timestamp_seconds} (now) to the group with one POST, which changes nothing else of the
   * group (nor of its textfile). Delivered like a run: spooled when the gateway cannot take it, a problem logged (and
   * thrown in {@link Builder#strict strict} mode).
   */
  public void skipped(String job) {
    MetricNames.checkJobName(job);
    Instant now = clock.instant();
    finish(new Push(metricPrefix, job, labels, List.of(new Push.Sample(MetricNames.name(metricPrefix,
        MetricNames.LAST_SKIP), MetricNames.help(MetricNames.LAST_SKIP), null, null, now.toEpochMilli() / 1000.0)),
        now));
  }

  /**
   * Delivers every spooled run now, and tells what happened; the gateway ends as if they had gone oldest first (an
   * older run never overwrites what a newer one of its group sent). Runs that still cannot be delivered stay
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
    // Spooled runs name their gateway as the builder normalises it; so must the one looked for.
    return replay(GatewayUrl.check(previousGateway).toString());
  }

  private SpoolReport replay(String adoptFrom) {
    if (spool == null) {
      return SpoolReport.EMPTY;
    }
    return spool.replay(requireGateway(), deadlineFromNow(), adoptFrom);
  }

  /**
   * What waits in the spool, without sending or changing anything: {@link SpoolReport#remaining()} runs for this
   * gateway, {@link SpoolReport#otherGateways()} for others (jobs sharing the spool that push elsewhere, or this
   * job's runs from before a change of the gateway's URL). It only lists the spool's directories, and reads the
   * journal (the run of a delivery killed while pushing) when no delivery holds the spool's lock, which it never
   * waits for; a delivery running meanwhile may be sending some of the runs counted.
   *
   * <pre>{@code
   * SpoolReport backlog = push.spoolBacklog();
   * if (backlog.remaining() > 0) {
   *   System.out.println(backlog.remaining() + " runs wait for " + push.gateway() + "; push.flush() sends them now");
   * }
   * }</pre>
   *
   * @return an empty report without a spool, or when its directory does not exist yet; when the spool cannot be
   *     read, a report whose {@link SpoolReport#failure()} says why
   */
  public SpoolReport spoolBacklog() {
    if (spool == null) {
      return SpoolReport.EMPTY;
    }
    try {
      return SpoolCensus.count(spool, delivery.gateway());
    } catch (IOException e) {
      return new SpoolReport(0, 0, Map.of(), 0, 0, new PushException("cannot read the spool " + spoolDirectory
          + " (" + e + ")", e));
    }
  }

  /**
   * What can already be known to go wrong with this configuration before a run starts, which would otherwise only
   * show after the job ran: whether the spool directory and the textfile directory can be used (each a directory this
   * user can write, or one it can create). Sends nothing and writes nothing. Each problem is one line naming the value
   * and the fix; an empty list means ready.
   *
   * <pre>{@code
   * List<String> problems = push.preflight();
   * if (!problems.isEmpty()) {
   *   problems.forEach(System.err::println);   // e.g. "The spool directory '/x' is not a directory: set ..."
   *   System.exit(125);
   * }
   * }</pre>
   */
  public List<String> preflight() {
    List<String> problems = new ArrayList<>();
    if (spoolDirectory != null) {
      problems.addAll(Preflight.spool(spoolDirectory, spoolKey));
    }
    if (textfileDirectory != null) {
      problems.addAll(Preflight.textfile(textfileDirectory, textfileKey));
    }
    return List.copyOf(problems);
  }

  /** The grouping labels every run of this instance is pushed with, besides {@code job}. */
  public Map<String, String> labels() {
    return labels;
  }

  /** The gateway this instance pushes to, or null when it only writes textfiles. */
  public URI gateway() {
    return gateway;
  }

  /** The prefix of every metric name. */
  public String metricPrefix() {
    return metricPrefix;
  }

  /** How this instance authenticates to the gateway. */
  public Authentication authentication() {
    return credentials.scheme();
  }

  /** The basic-auth user, or null without basic auth. */
  public String username() {
    return credentials.username();
  }

  /** The PEM file of CA certificates trusted for an https gateway, or null for the JVM's defaults. */
  public Path caCertificates() {
    return trust == null ? null : trust.caCertificates();
  }

  /** Longest wait for a connection in one attempt. */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  /** Longest wait for the gateway's answer in one attempt. */
  public Duration readTimeout() {
    return readTimeout;
  }

  /** The most one delivery may take, retries and spool replay included. */
  public Duration deadline() {
    return deadline;
  }

  /** Whether the start time is also pushed when a run starts. */
  public boolean pushAtStart() {
    return pushAtStart;
  }

  /** The freshness SLO every run declares unless it sets its own, or null. */
  public Duration maxAge() {
    return maxAge;
  }

  /** Whether delivery problems are thrown from {@link JobRun#close()} rather than only logged. */
  public boolean strict() {
    return strict;
  }

  /** The spool directory, or null when spooling is off. */
  public Path spoolDirectory() {
    return spoolDirectory;
  }

  /** The directory runs are also written to for node_exporter's textfile collector, or null. */
  public Path textfileDirectory() {
    return textfileDirectory;
  }

  /** The directory of this host's overlap locks of runs ({@link #lock}). */
  public Path lockDirectory() {
    return lockDirectory;
  }

  Clock clock() {
    return clock;
  }

  /** The {@code Authorization} header every request to the gateway carries, or null. */
  String authorizationHeader() {
    return credentials.authorization();
  }

  /** How messages name the CA file's setting: as the user gave it, else as the face names it. */
  String caKey() {
    return caKey;
  }

  /** The TLS socket factory trusting the configured CAs, or null for the JVM's defaults. */
  SSLSocketFactory sslSocketFactory() {
    return trust == null ? null : trust.socketFactory();
  }

  /** Delivers the end-of-run push: textfile first (local, cannot hang), then the gateway via the spool. */
  void finish(Push push) {
    if (textfile != null) {
      try {
        textfile.write(push, System.nanoTime() + deadline.toNanos());
      } catch (IOException | RuntimeException e) {
        LOG.warn("batchpush: writing textfile for {} to {} failed: {}", push.group(), textfile.directory(),
            e.toString());
        UnloggedProblems.report(UnloggedProblems.Kind.DELIVERY, "writing textfile for " + push.group() + " to "
            + textfile.directory() + " failed: " + e);
        if (strict) {
          throw new PushException("writing textfile for " + push.group() + " failed: " + e, e);
        }
      }
    }
    if (delivery != null && deliverQuietly(push, deadline, strict) && library) {
      OtherGatewaysWarning.checkOnce(this, this::spoolBacklog);
    }
  }

  /** Whether the push was delivered; a problem is logged (and thrown when {@code strictly}). */
  private boolean deliverQuietly(Push push, Duration budget, boolean strictly) {
    try {
      if (spool != null) {
        spool.deliver(push, delivery, System.nanoTime() + budget.toNanos());
      } else {
        delivery.pushAdd(push, System.nanoTime() + budget.toNanos());
      }
      return true;
    } catch (PushException e) {
      LOG.warn("batchpush: {}", e.getMessage());
      UnloggedProblems.report(UnloggedProblems.Kind.DELIVERY, e.getMessage());
      if (strictly) {
        throw e;
      }
    } catch (RuntimeException e) {
      // A bug of ours must not break the job either; the run may be lost, so say so loudly.
      LOG.error("batchpush: delivery of {} failed unexpectedly, the run may be LOST: {}", push.group(), e.toString());
      UnloggedProblems.report(UnloggedProblems.Kind.DELIVERY, "delivery of " + push.group()
          + " failed unexpectedly, the run may be LOST: " + e);
      if (strictly) {
        throw new PushException("delivery of " + push.group() + " failed unexpectedly: " + e, e);
      }
    }
    return false;
  }

  private Delivery requireGateway() {
    if (delivery == null) {
      throw new IllegalStateException("No gateway configured: set one with gateway(URI) or BATCHPUSH_GATEWAY");
    }
    return delivery;
  }

  private long deadlineFromNow() {
    return System.nanoTime() + deadline.toNanos();
  }

  @Override
  public String toString() {
    return "BatchPush{gateway=" + gateway + ", labels=" + labels + ", metricPrefix=" + metricPrefix + ", auth="
        + credentials + "}";
  }

  /**
   * Configures a {@link BatchPush}. Setters check their argument; {@link #build()} checks that the parts fit, applies
   * the precedence rules and reads secret files. Every setting starts at its {@link Defaults default}.
   */
  public static final class Builder {
    private URI gateway;
    private final Map<String, String> labels = new LinkedHashMap<>();
    private String metricPrefix = Defaults.METRIC_PREFIX;
    private String username;
    private String password;
    private Path passwordFile;
    private String bearerToken;
    private Path bearerTokenFile;
    private Path caCertificates;
    private Path trustStore;
    private char[] trustStorePassword;
    private Duration connectTimeout = Defaults.connectTimeout();
    private Duration readTimeout = Defaults.readTimeout();
    private Duration deadline = Defaults.deadline();
    private Duration initialBackoff = Defaults.retryBackoff();
    private Duration maxBackoff = Defaults.maxRetryBackoff();
    private boolean pushAtStart;
    private Duration maxAge;
    private boolean strict;
    private Path spoolDirectory;
    private boolean spoolDisabled;
    private int spoolMaxRuns = Defaults.SPOOL_MAX_RUNS;
    private Duration spoolMaxAge = Defaults.spoolMaxAge();
    private Path textfileDirectory;
    private Path lockDirectory;
    private Clock clock = Clock.systemUTC();
    /** What each setting was last set through (an environment variable, an option), for messages. */
    private final Map<Setting, String> keys = new EnumMap<>(Setting.class);
    private Function<Setting, String> keyNames = Setting::builderMethod;
    private boolean namedByFace;
    /** Variables set to nothing in the {@link #environment}, and not set otherwise since. */
    private final Set<Setting> blankInEnvironment = EnumSet.noneOf(Setting.class);

    Builder() {}

    private Builder(BatchPush p) {
      gateway = p.gateway;
      labels.putAll(p.labels);
      metricPrefix = p.metricPrefix;
      if (p.credentials.scheme() == Authentication.BASIC) {
        username = p.credentials.username();
        password = p.credentials.secret();
      } else if (p.credentials.scheme() == Authentication.BEARER) {
        bearerToken = p.credentials.secret();
      }
      if (p.trust != null) {
        caCertificates = p.trust.caCertificates();
        trustStore = p.trust.trustStore();
        trustStorePassword = p.trust.trustStorePassword();
      }
      connectTimeout = p.connectTimeout;
      readTimeout = p.readTimeout;
      deadline = p.deadline;
      initialBackoff = p.initialBackoff;
      maxBackoff = p.maxBackoff;
      pushAtStart = p.pushAtStart;
      maxAge = p.maxAge;
      strict = p.strict;
      spoolDirectory = p.spoolDirectory;
      spoolDisabled = p.spool == null && p.delivery != null;
      spoolMaxRuns = p.spoolMaxRuns;
      spoolMaxAge = p.spoolMaxAge;
      textfileDirectory = p.textfileDirectory;
      lockDirectory = p.lockDirectory;
      clock = p.clock;
    }

    /**
     * The Pushgateway's base URL, http or https, optionally with a path prefix ({@code https://gw.example/pgw}).
     * Credentials do not belong in the URL; use {@link #basicAuth} or {@link #bearerToken}.
     */
    public Builder gateway(URI gateway) {
      this.gateway = GatewayUrl.check(gateway);
      blankInEnvironment.remove(Setting.GATEWAY);
      return this;
    }

    /** Pushes to no gateway: runs are only written to the {@link #textfileDirectory textfile directory}. */
    public Builder noGateway() {
      this.gateway = null;
      blankInEnvironment.remove(Setting.GATEWAY);
      return this;
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
      return label(label.getKey(), label.getValue());
    }

    /** The prefix of every metric name; default {@code batch_job}. */
    public Builder metricPrefix(String metricPrefix) {
      this.metricPrefix = MetricNames.checkPrefix(metricPrefix);
      return this;
    }

    /** HTTP basic authentication. The password is never logged. */
    public Builder basicAuth(String username, String password) {
      return username(username).password(password);
    }

    /** HTTP basic authentication with the password read from {@code passwordFile} by {@link #build()}. */
    public Builder basicAuth(String username, Path passwordFile) {
      return username(username).passwordFile(passwordFile);
    }

    /** The basic-auth user; {@link #build()} requires a {@link #password} or {@link #passwordFile} with it. */
    public Builder username(String username) {
      this.username = Objects.requireNonNull(username, "username == null");
      return this;
    }

    /** The basic-auth password. Never logged; a {@link #passwordFile} wins over it. */
    public Builder password(String password) {
      this.password = Objects.requireNonNull(password, "password == null");
      return this;
    }

    /** A file holding the basic-auth password, read by {@link #build()}. */
    public Builder passwordFile(Path passwordFile) {
      this.passwordFile = Objects.requireNonNull(passwordFile, "passwordFile == null");
      return this;
    }

    /** An {@code Authorization: Bearer} token. Never logged; a token file wins over it. */
    public Builder bearerToken(String token) {
      this.bearerToken = Objects.requireNonNull(token, "bearerToken == null");
      return this;
    }

    /** A bearer token read from {@code tokenFile} by {@link #build()}. */
    public Builder bearerToken(Path tokenFile) {
      this.bearerTokenFile = Objects.requireNonNull(tokenFile, "bearerTokenFile == null");
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
      Duration max = Defaults.maxRetryBackoff();
      this.maxBackoff = initialBackoff.compareTo(max) > 0 ? initialBackoff : max;
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
      blankInEnvironment.remove(Setting.SPOOL_DIR);
      return this;
    }

    /** Turns the spool off: a run that cannot be delivered within the deadline is then lost (and logged). */
    public Builder noSpool() {
      this.spoolDisabled = true;
      blankInEnvironment.remove(Setting.SPOOL_DIR);
      return this;
    }

    /**
     * Bounds the spool: at most {@code maxRuns} runs waiting for each gateway (default 10,000), none older than
     * {@code maxAge} (7 days); the oldest go first, loudly.
     */
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
      blankInEnvironment.remove(Setting.TEXTFILE_DIR);
      return this;
    }

    /**
     * Where {@link BatchPush#lock} keeps its lock files; default {@code $XDG_STATE_HOME/batchpush/locks}, else
     * {@code ~/.local/state/batchpush/locks}, or {@code BATCHPUSH_LOCK_DIR} when {@link #environment} sets it.
     */
    public Builder lockDirectory(Path directory) {
      this.lockDirectory = Objects.requireNonNull(directory, "lockDirectory == null");
      return this;
    }

    /** The clock runs are timed with; for tests. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock == null");
      return this;
    }

    /**
     * Sets {@code setting} from its text form, as an environment variable or a command-line option gives it;
     * {@code key} is how the user gave it ({@code --deadline}, {@code BATCHPUSH_DEADLINE}, {@code batchpush.deadline})
     * and how messages name it from now on.
     *
     * @throws IllegalArgumentException "Invalid KEY: ..." naming the value (never a secret's)
     */
    public Builder set(Setting setting, String text, String key) {
      Objects.requireNonNull(setting, "setting == null");
      Objects.requireNonNull(text, "text == null");
      Objects.requireNonNull(key, "key == null");
      try {
        setting.apply(this, text);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("Invalid " + key + ": " + e.getMessage(), e);
      }
      keys.put(setting, key);
      blankInEnvironment.remove(setting);
      return this;
    }

    /**
     * How messages name the settings that were not {@link #set} through a key: a face passes its own names (an
     * option, a property); by default they are named by the builder method that sets them. An instance built by a
     * face leaves reporting the spool's runs for other gateways to it (the command line's {@code flush} counts
     * them; a {@code run} prints nothing when it succeeds), instead of the library's warning at its first delivery.
     */
    public Builder keyNames(Function<Setting, String> names) {
      this.keyNames = Objects.requireNonNull(names, "names == null");
      this.namedByFace = true;
      return this;
    }

    /**
     * Applies the {@code BATCHPUSH_*} variables present in {@code env} (see {@link Setting}, and {@link
     * Defaults#LOCK_DIRECTORY_VARIABLE}); absent ones leave the builder as it is. One of the table set to nothing but
     * blanks (a template that expanded to nothing) makes {@link #build()} refuse, naming it, unless the setting is
     * given afterwards ({@link #set}, or the gateway, spool or textfile directory's own method): taken as unset, it
     * would silently fall back to the default. Unless a face gave its own {@link #keyNames}, messages then name every
     * setting by its variable ("BATCHPUSH_USERNAME needs a password: set BATCHPUSH_PASSWORD_FILE or
     * BATCHPUSH_PASSWORD").
     *
     * @throws IllegalArgumentException naming the variable and the value (never a secret's value)
     */
    public Builder environment(Map<String, String> env) {
      if (!namedByFace) {
        keyNames = Setting::environmentVariable;
      }
      for (Setting setting : Setting.values()) {
        String value = env.get(setting.environmentVariable());
        if (value != null && !value.isBlank()) {
          set(setting, value, setting.environmentVariable());
        } else if (value != null && setting != Setting.LABELS) {
          // A template that expanded to nothing (BATCHPUSH_GATEWAY=${PGW_URL}): refused by build() unless a face
          // sets the setting after all, never taken as unset, which would push to localhost and page no one.
          blankInEnvironment.add(setting);
        }
      }
      Path locks = RunLock.fromEnvironment(env);
      if (locks != null) {
        lockDirectory(locks);
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
      if (!blankInEnvironment.isEmpty()) {
        Setting blank = blankInEnvironment.iterator().next();
        throw setButEmpty(blank.environmentVariable(), blank.defaultValue());
      }
      if (gateway == null && textfileDirectory == null) {
        throw new IllegalStateException("No gateway configured: set " + key(Setting.GATEWAY) + " (or "
            + key(Setting.TEXTFILE_DIR) + " to only write textfiles)");
      }
      Credentials credentials = Credentials.resolve(
          new Credentials.Sources(username, password, passwordFile, bearerToken, bearerTokenFile), this::key,
          keys::get);
      return new BatchPush(this, credentials,
          TrustMaterial.of(caCertificates, trustStore, trustStorePassword, keys.get(Setting.CA_CERT)));
    }

    /**
     * The refusal of a variable set to nothing (a template that expanded to nothing): taken as unset, it would fall
     * back to {@code defaultValue} (null: none) without a word.
     */
    static IllegalArgumentException setButEmpty(String variable, String defaultValue) {
      return new IllegalArgumentException(variable + " is set but empty: give it a value, or unset it"
          + (defaultValue == null ? "" : " for the default (" + defaultValue + ")"));
    }

    private String key(Setting setting) {
      return keys.getOrDefault(setting, keyNames.apply(setting));
    }

    private static Duration positive(Duration d, String what) {
      return Durations.positive(d, what);
    }
  }
}
