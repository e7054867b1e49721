package io.github.batchpush.spring;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The jobs of one application context and the listeners batchpush registered on them: what the start-up line
 * lists, what a context close interrupts, whose listener pushes an abandoned execution, and what Spring Boot's own
 * Pushgateway export is checked against.
 */
final class WatchedJobs {
  /** One job batchpush watches: its Spring Batch name and the listener registered on it. */
  record Watched(String jobName, BatchPushJobListener listener) {
    String group() {
      StringBuilder group = new StringBuilder("{job=\"").append(listener.groupJob(jobName)).append('"');
      listener.groupLabels().forEach((name, value) -> group.append(',').append(name).append("=\"").append(value)
          .append('"'));
      return group.append('}').toString();
    }
  }

  private final List<Watched> watched = new CopyOnWriteArrayList<>();
  private final Set<String> allJobNames = ConcurrentHashMap.newKeySet();

  /** A job of the context, watched or not. */
  void seen(String jobName) {
    allJobNames.add(jobName);
  }

  void watch(String jobName, BatchPushJobListener listener) {
    watched.add(new Watched(jobName, listener));
  }

  /** Every job of the context, by Spring Batch name. */
  Set<String> jobNames() {
    return Set.copyOf(allJobNames);
  }

  Collection<Watched> watched() {
    return List.copyOf(watched);
  }

  /** The listener batchpush registered on the job named {@code jobName}, or null. */
  BatchPushJobListener listener(String jobName) {
    return watched.stream().filter(w -> w.jobName().equals(jobName)).map(Watched::listener).findFirst()
        .orElse(null);
  }

  /** The start-up line: each job with its group and max age. */
  String describe() {
    if (watched.isEmpty()) {
      return "batchpush: watching no jobs (annotate a Job bean with @PushMetrics, or instrument all jobs)";
    }
    List<String> jobs = new ArrayList<>();
    for (Watched w : watched) {
      Duration maxAge = w.listener().declaredMaxAge();
      jobs.add(w.jobName() + " as " + w.group() + ", max age " + (maxAge == null ? "none" : format(maxAge)));
    }
    URI gateway = watched.get(0).listener().push().gateway();
    return "batchpush: watching " + watched.size() + (watched.size() == 1 ? " job" : " jobs")
        + (gateway != null ? ", pushed to " + gateway : ", written as textfiles") + ": " + String.join("; ", jobs);
  }

  /** {@code 26h}, {@code 90m}, {@code 45s}, as batchpush's durations are written. */
  private static String format(Duration d) {
    for (Map.Entry<String, Duration> unit : List.of(Map.entry("d", Duration.ofDays(1)),
        Map.entry("h", Duration.ofHours(1)), Map.entry("m", Duration.ofMinutes(1)),
        Map.entry("s", Duration.ofSeconds(1)))) {
      if (d.toMillis() % unit.getValue().toMillis() == 0) {
        return d.toMillis() / unit.getValue().toMillis() + unit.getKey();
      }
    }
    return d.toMillis() + "ms";
  }
}
