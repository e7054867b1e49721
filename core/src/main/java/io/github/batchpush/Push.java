package io.github.batchpush;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Gauge;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What one POST to the gateway carries: the group (job and grouping labels), the gauge samples, and when the run it
 * describes finished, which orders spooled pushes. It knows its metric prefix, and with it which sample is the last
 * success: the one sample that an older run may still carry over a newer one, and that a failed run never sends.
 */
final class Push {
  /** One gauge sample; {@code labelName} is null for the unlabelled run-level gauges. */
  static final class Sample {
    final String name;
    final String help;
    final String labelName;
    final String labelValue;
    final double value;

    Sample(String name, String help, String labelName, String labelValue, double value) {
      this.name = Objects.requireNonNull(name, "name");
      this.help = Objects.requireNonNull(help, "help");
      this.labelName = labelName;
      this.labelValue = labelValue;
      this.value = value;
    }

    @Override
    public boolean equals(Object o) {
      if (!(o instanceof Sample)) {
        return false;
      }
      Sample s = (Sample) o;
      return name.equals(s.name) && help.equals(s.help) && Objects.equals(labelName, s.labelName)
          && Objects.equals(labelValue, s.labelValue) && Double.compare(value, s.value) == 0;
    }

    @Override
    public int hashCode() {
      return Objects.hash(name, labelName, labelValue, value);
    }
  }

  final String metricPrefix;
  final String job;
  final Map<String, String> labels;
  final List<Sample> samples;
  final Instant finishedAt;

  Push(String metricPrefix, String job, Map<String, String> labels, List<Sample> samples, Instant finishedAt) {
    this.metricPrefix = Objects.requireNonNull(metricPrefix, "metricPrefix");
    this.job = Objects.requireNonNull(job, "job");
    this.labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
    this.samples = List.copyOf(samples);
    this.finishedAt = Objects.requireNonNull(finishedAt, "finishedAt");
  }

  /** A fresh registry holding only this push's gauges, which is all simpleclient's {@code pushAdd} sends. */
  CollectorRegistry toRegistry() {
    CollectorRegistry registry = new CollectorRegistry();
    Map<String, Gauge> gauges = new LinkedHashMap<>();
    for (Sample s : samples) {
      Gauge gauge = gauges.computeIfAbsent(s.name, name -> {
        Gauge.Builder b = Gauge.build().name(name).help(s.help);
        if (s.labelName != null) {
          b.labelNames(s.labelName);
        }
        return b.register(registry);
      });
      if (s.labelName == null) {
        gauge.set(s.value);
      } else {
        gauge.labels(s.labelValue).set(s.value);
      }
    }
    return registry;
  }

  /** The value of the unlabelled sample called {@code name}, or null. */
  Double value(String name) {
    for (Sample s : samples) {
      if (s.name.equals(name) && s.labelName == null) {
        return s.value;
      }
    }
    return null;
  }

  /** The name of this push's last-success sample, whether or not it carries one. */
  String lastSuccessName() {
    return MetricNames.name(metricPrefix, MetricNames.LAST_SUCCESS);
  }

  /** The last-success time this push carries, in seconds since the epoch, or null when the run failed. */
  Double lastSuccess() {
    return value(lastSuccessName());
  }

  /** A copy holding only the last-success sample, or null when there is none. */
  Push onlyLastSuccess() {
    Double lastSuccess = lastSuccess();
    if (lastSuccess == null) {
      return null;
    }
    return new Push(metricPrefix, job, labels, List.of(lastSuccessSample(lastSuccess)), finishedAt);
  }

  private Sample lastSuccessSample(double value) {
    return new Sample(lastSuccessName(), MetricNames.help(MetricNames.LAST_SUCCESS), null, null, value);
  }

  /**
   * The metric prefix of samples written before pushes recorded their prefix (spool files of an older version):
   * every push carries the start time.
   */
  static String prefixOf(List<Sample> samples) {
    String suffix = "_" + MetricNames.LAST_START;
    for (Sample s : samples) {
      if (s.labelName == null && s.name.endsWith(suffix) && s.name.length() > suffix.length()) {
        return s.name.substring(0, s.name.length() - suffix.length());
      }
    }
    return MetricNames.DEFAULT_PREFIX;
  }

  /** The group as the gateway names it, for log lines: {@code job="x",team="data"}. */
  String group() {
    return group(job, labels);
  }

  static String group(String job, Map<String, String> labels) {
    StringBuilder b = new StringBuilder("{job=\"").append(job).append('"');
    labels.forEach((k, v) -> b.append(',').append(k).append("=\"").append(v).append('"'));
    return b.append('}').toString();
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Push)) {
      return false;
    }
    Push p = (Push) o;
    return metricPrefix.equals(p.metricPrefix) && job.equals(p.job) && labels.equals(p.labels) && samples.equals(p.samples)
        && finishedAt.equals(p.finishedAt);
  }

  @Override
  public int hashCode() {
    return Objects.hash(job, labels, finishedAt);
  }

  @Override
  public String toString() {
    return "Push{" + group() + " finishedAt=" + finishedAt + " samples=" + samples.size() + "}";
  }

}
