package io.github.batchpush;

import java.net.URI;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@link BatchPush#flush()} did with the spool, or what {@link BatchPush#spoolBacklog()} found waiting in it
 * (which sends, drops and sets aside nothing, so only {@link #remaining()} and {@link #otherGateways()} count there).
 *
 * <pre>{@code
 * SpoolReport report = push.flush();
 * System.out.println(report);   // delivered 3, remaining 0, dropped 0, set aside 0
 * }</pre>
 */
public final class SpoolReport {
  static final SpoolReport EMPTY = new SpoolReport(0, 0, Map.of(), 0, 0, null);

  private final int delivered;
  private final int remaining;
  private final Map<URI, Integer> otherGateways;
  private final int dropped;
  private final int setAside;
  private final PushException failure;

  SpoolReport(int delivered, int remaining, Map<URI, Integer> otherGateways, int dropped, int setAside,
      PushException failure) {
    this.delivered = delivered;
    this.remaining = remaining;
    this.otherGateways = Collections.unmodifiableMap(new TreeMap<>(otherGateways));
    this.dropped = dropped;
    this.setAside = setAside;
    this.failure = failure;
  }

  /** Runs delivered to the gateway and removed from the spool. */
  public int delivered() {
    return delivered;
  }

  /**
   * Runs for this gateway still waiting in the spool, because it could not take them now. Runs that other jobs
   * sharing the spool spooled for another gateway are not counted: they wait for a delivery to theirs.
   */
  public int remaining() {
    return remaining;
  }

  /**
   * Runs spooled for another gateway, which this flush leaves alone: another job sharing the spool pushes there, or
   * the gateway's URL changed since (they wait for a delivery to theirs, or for {@link BatchPush#flushFrom(URI)},
   * or are dropped at the spool's age limit).
   */
  public int forOtherGateways() {
    return otherGateways.values().stream().mapToInt(Integer::intValue).sum();
  }

  /** How many of those runs wait for which gateway URL; {@link BatchPush#flushFrom(URI)} takes one of them. */
  public Map<URI, Integer> otherGateways() {
    return otherGateways;
  }

  /** Runs dropped because they were older than the spool's age limit. */
  public int dropped() {
    return dropped;
  }

  /**
   * Spool files moved to the spool's {@code corrupt/}: unreadable or malformed, not regular files (a FIFO, a link),
   * or larger than any run. A run the gateway refuses is not among them: it stays spooled, and counts as remaining.
   */
  public int setAside() {
    return setAside;
  }

  /**
   * Why the replay stopped early (the gateway unreachable, the deadline), or the last refusal of a run that stays
   * spooled; null when neither happened.
   */
  public PushException failure() {
    return failure;
  }

  @Override
  public String toString() {
    return "delivered " + delivered + ", remaining " + remaining + ", dropped " + dropped + ", set aside " + setAside
        + (otherGateways.isEmpty() ? "" : ", waiting for other gateways " + otherGateways)
        + (failure == null ? "" : "; stopped: " + failure.getMessage());
  }
}
