package io.github.batchpush;

import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;

/**
 * What {@link BatchPush#flush()} did with the spool.
 *
 * <pre>{@code
 * SpoolReport report = push.flush();
 * System.out.println(report);   // delivered 3, remaining 0, dropped 0, set aside 0
 * }</pre>
 */
public final class SpoolReport {
  static final SpoolReport EMPTY = new SpoolReport(0, 0, 0, Set.of(), 0, 0, null);

  private final int delivered;
  private final int remaining;
  private final int forOtherGateways;
  private final Set<String> otherGateways;
  private final int dropped;
  private final int setAside;
  private final PushException failure;

  SpoolReport(int delivered, int remaining, int forOtherGateways, Set<String> otherGateways, int dropped,
      int setAside, PushException failure) {
    this.delivered = delivered;
    this.remaining = remaining;
    this.forOtherGateways = forOtherGateways;
    this.otherGateways = Collections.unmodifiableSet(new TreeSet<>(otherGateways));
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
   * the gateway's URL changed since (they wait for a delivery to theirs, or for {@link BatchPush#flush(java.net.URI)},
   * or are dropped at the spool's age limit).
   */
  public int forOtherGateways() {
    return forOtherGateways;
  }

  /** The gateway URLs those runs wait for, sorted; {@link BatchPush#flush(java.net.URI)} takes one of them. */
  public Set<String> otherGateways() {
    return otherGateways;
  }

  /** Runs dropped because they were older than the spool's age limit. */
  public int dropped() {
    return dropped;
  }

  /** Spool files moved to {@code corrupt/} or {@code rejected/} beside the spool: unreadable, or refused by a 400. */
  public int setAside() {
    return setAside;
  }

  /** Why the replay stopped early, or null when it did not. */
  public PushException failure() {
    return failure;
  }

  @Override
  public String toString() {
    return "delivered " + delivered + ", remaining " + remaining + ", dropped " + dropped + ", set aside " + setAside
        + (forOtherGateways == 0 ? "" : ", " + forOtherGateways + " waiting for other gateways")
        + (failure == null ? "" : "; stopped: " + failure.getMessage());
  }
}
