package io.github.batchpush;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The groups on the gateway that nothing has pushed to for a while, as {@link BatchPush#staleGroups} sorts them:
 * those to delete, and those kept because they declare a max age: deleting such a group would silence its freshness
 * alert ({@code BatchJobNoRecentSuccess}), which is there to say that the job stopped.
 *
 * <pre>{@code
 * StaleGroups stale = push.staleGroups(Duration.ofDays(30), Pattern.compile("legacy_.*"), false);
 * stale.toDelete().forEach(push::delete);
 * System.out.println(stale.keptForMaxAge().size() + " stale groups kept: they declare a max age");
 * }</pre>
 */
public final class StaleGroups {
  private static final Comparator<GatewayGroup> BY_NAME = Comparator.comparing(GatewayGroup::toString);

  private final Duration olderThan;
  private final List<GatewayGroup> toDelete;
  private final List<GatewayGroup> keptForMaxAge;
  private final int fresh;

  private StaleGroups(Duration olderThan, List<GatewayGroup> toDelete, List<GatewayGroup> keptForMaxAge, int fresh) {
    this.olderThan = olderThan;
    this.toDelete = List.copyOf(toDelete);
    this.keptForMaxAge = List.copyOf(keptForMaxAge);
    this.fresh = fresh;
  }

  /**
   * Sorts {@code groups}: those whose job matches {@code jobs} as a whole and whose last push is older than
   * {@code olderThan} at {@code now} are stale; of those, the ones declaring a max age are kept unless
   * {@code includeMaxAge}. Each list is in order of the groups' names.
   */
  static StaleGroups of(List<GatewayGroup> groups, Instant now, Duration olderThan, Pattern jobs,
      boolean includeMaxAge) {
    List<GatewayGroup> toDelete = new ArrayList<>();
    List<GatewayGroup> kept = new ArrayList<>();
    int fresh = 0;
    for (GatewayGroup group : groups) {
      if (!jobs.matcher(group.job()).matches()) {
        continue;
      }
      if (!group.isStale(now, olderThan)) {
        fresh++;
      } else if (group.maxAge() != null && !includeMaxAge) {
        kept.add(group);
      } else {
        toDelete.add(group);
      }
    }
    toDelete.sort(BY_NAME);
    kept.sort(BY_NAME);
    return new StaleGroups(olderThan, toDelete, kept, fresh);
  }

  /** How old a group's last push must be for it to be stale. */
  public Duration olderThan() {
    return olderThan;
  }

  /** The stale groups to delete. */
  public List<GatewayGroup> toDelete() {
    return toDelete;
  }

  /** The stale groups kept because they declare a max age (none when max-age groups were included). */
  public List<GatewayGroup> keptForMaxAge() {
    return keptForMaxAge;
  }

  /** How many groups of the jobs asked for were pushed to within {@link #olderThan()}. */
  public int fresh() {
    return fresh;
  }

  @Override
  public String toString() {
    return "StaleGroups{olderThan=" + olderThan + ", toDelete=" + toDelete + ", keptForMaxAge=" + keptForMaxAge
        + ", fresh=" + fresh + "}";
  }
}
