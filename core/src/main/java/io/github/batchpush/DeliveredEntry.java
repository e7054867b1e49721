package io.github.batchpush;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the spool delivered to one group: per metric name, the finish time of the newest run it sent that metric of.
 * A run that turns up late (it waited in the spool, or for the lock) sends only the metrics no newer run has sent,
 * so the gateway ends holding what sending every run in order would have left: an older run never overwrites a newer
 * one, and a failed run never hides an older run's success, nor a start-of-run push an older run's results.
 *
 * <pre>{@code
 * DeliveredEntry entry = DeliveredEntry.decode(text);   // or DeliveredEntry.NONE
 * Push news = entry.newsIn(push);                       // what of it is still news, or null
 * entry = entry.with(news);                             // recorded once that went out
 * entry.encode();                                       // "1764064805000000000:batch_job_exit_code,... 17640...:..."
 * }</pre>
 *
 * <p>A name starting with {@code *} stands for every metric name ending in what follows (a bare {@code *} for all):
 * entries converted from the old journal have only those, and one too long to store collapses to one.
 *
 * <p>Times are wall-clock times, which can jump. A recorded time is the finish time of a run that had finished when
 * it was recorded, by this host's clock: one later than now can only mean that the clock ran ahead then (a bad clock
 * at boot, a restored VM) or has been set back since (an NTP step, a daylight-saving hardware clock). It counts for
 * nothing: it would otherwise keep every run of the group from going out until the clock caught up, silently, a
 * failed run included. No time later than now is ever recorded. The price: for as long as the clock stepped back, an
 * older run still spooled and flushed then is no longer held back from a newer one.
 */
final class DeliveredEntry {
  static final DeliveredEntry NONE = new DeliveredEntry(Map.of());
  static final String ANY = "*";
  /** Longer entries collapse to {@code <newest>:*}; a few dozen metric names fit. */
  static final int MAX_ENCODED = 2000;

  /** Metric name, or pattern, to epoch nanoseconds. */
  private final Map<String, Long> newest;

  private DeliveredEntry(Map<String, Long> newest) {
    this.newest = newest;
  }

  /**
   * What the old journal knew of a group: the finish time of the newest run delivered, and the newest last success
   * (epoch milliseconds; {@link Long#MIN_VALUE} for none).
   */
  static DeliveredEntry fromLegacy(long finishedMillis, long lastSuccessMillis) {
    Map<String, Long> m = new LinkedHashMap<>();
    m.put(ANY, finishedMillis * 1_000_000L);
    if (lastSuccessMillis != Long.MIN_VALUE) {
      m.put(ANY + "_" + MetricNames.LAST_SUCCESS, lastSuccessMillis * 1_000_000L);
    }
    return new DeliveredEntry(m);
  }

  /** The part of {@code push} that no newer run has sent as of {@code now}; null when nothing is left. */
  Push newsIn(Push push, Instant now) {
    long finished = nanos(push.finishedAt);
    long horizon = horizon(now);
    List<Push.Sample> news = new ArrayList<>();
    for (Push.Sample s : push.samples) {
      long sent = timeOf(s.name);
      if (sent <= finished || sent > horizon) {
        news.add(s);
      }
    }
    if (news.size() == push.samples.size()) {
      return push;
    }
    return news.isEmpty() ? null : new Push(push.metricPrefix, push.job, push.labels, news, push.finishedAt);
  }

  /**
   * This entry after {@code sent} was delivered at {@code now}; a run that finished after now (its clock ran ahead) is
   * recorded as of now, and a recorded time after now is dropped.
   */
  DeliveredEntry with(Push sent, Instant now) {
    long horizon = horizon(now);
    Map<String, Long> m = new LinkedHashMap<>();
    newest.forEach((name, time) -> {
      if (time <= horizon) {
        m.put(name, time);
      }
    });
    long finished = nanos(sent.finishedAt) > horizon ? nanos(now) : nanos(sent.finishedAt);
    sent.samples.forEach(s -> m.merge(s.name, finished, Math::max));
    return new DeliveredEntry(m);
  }

  /** Whether a time of this entry is later than {@code now}: the clock ran ahead, or was set back since. */
  boolean recordedAfter(Instant now) {
    return newestNanos() > horizon(now);
  }

  private static long horizon(Instant now) {
    return nanos(now);
  }

  /** Both entries' knowledge: per name, the newer time. */
  DeliveredEntry merge(DeliveredEntry other) {
    Map<String, Long> m = new LinkedHashMap<>(newest);
    other.newest.forEach((name, time) -> m.merge(name, time, Math::max));
    return new DeliveredEntry(m);
  }

  /** The finish time of the newest run delivered, epoch nanoseconds; {@link Long#MIN_VALUE} for none. */
  long newestNanos() {
    return newest.values().stream().mapToLong(Long::longValue).max().orElse(Long.MIN_VALUE);
  }

  /** The time recorded for a metric: its own, else that of the longest pattern it matches. */
  private long timeOf(String name) {
    Long exact = newest.get(name);
    if (exact != null) {
      return exact;
    }
    long time = Long.MIN_VALUE;
    int longest = -1;
    for (Map.Entry<String, Long> e : newest.entrySet()) {
      String key = e.getKey();
      if (key.startsWith(ANY) && key.length() > longest && name.endsWith(key.substring(1))) {
        longest = key.length();
        time = e.getValue();
      }
    }
    return time;
  }

  /** {@code <nanos>:<name>,<name> <nanos>:<name>}, newest first. */
  String encode() {
    Map<Long, List<String>> byTime = new TreeMap<>(Comparator.reverseOrder());
    newest.forEach((name, time) -> byTime.computeIfAbsent(time, t -> new ArrayList<>()).add(name));
    StringBuilder out = new StringBuilder();
    byTime.forEach((time, names) -> out.append(out.length() == 0 ? "" : " ").append(time).append(':')
        .append(String.join(",", names)));
    // Sending less of a late run is safe; sending what a newer run already replaced is not.
    return out.length() <= MAX_ENCODED ? out.toString() : newestNanos() + ":" + ANY;
  }

  /** Reads what {@link #encode()} wrote. */
  static DeliveredEntry decode(String text) {
    Map<String, Long> m = new LinkedHashMap<>();
    for (String part : text.split(" ")) {
      int colon = part.indexOf(':');
      if (colon <= 0 || colon == part.length() - 1) {
        throw new IllegalArgumentException("not an index entry: '" + text + "'");
      }
      long time = Long.parseLong(part.substring(0, colon));
      for (String name : part.substring(colon + 1).split(",")) {
        if (name.isEmpty()) {
          throw new IllegalArgumentException("not an index entry: '" + text + "'");
        }
        m.put(name, time);
      }
    }
    return new DeliveredEntry(m);
  }

  static long nanos(Instant t) {
    try {
      return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L), t.getNano());
    } catch (ArithmeticException beyond2262) {
      return t.getEpochSecond() < 0 ? Long.MIN_VALUE + 1 : Long.MAX_VALUE;
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DeliveredEntry && ((DeliveredEntry) o).newest.equals(newest);
  }

  @Override
  public int hashCode() {
    return newest.hashCode();
  }

  @Override
  public String toString() {
    return encode();
  }
}
