package io.github.batchpush;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The journal of one gateway's deliveries: an entry per group, written whole, read alone, pruned by age. */
class DeliveredIndexTest {
  @TempDir
  Path dir;

  final SpoolProblems problems = new SpoolProblems();

  private static DeliveredEntry deliveredAt(long second) {
    return DeliveredEntry.NONE.with(new Push("batch_job", "job", Map.of(), List.of(new Push.Sample(
        "batch_job_exit_code", "h", null, null, 0)), Instant.ofEpochSecond(second)), Instant.ofEpochSecond(second));
  }

  private DeliveredIndex index() {
    return new DeliveredIndex(dir.resolve("delivered"), () -> { }, null, problems);
  }

  private List<Path> entries() throws Exception {
    try (Stream<Path> all = Files.list(dir.resolve("delivered"))) {
      return all.filter(p -> !p.getFileName().toString().startsWith(".")).collect(Collectors.toList());
    }
  }

  @Test
  void aGroupNeverDeliveredHasNoEntry() {
    assertThat(index().lookup("job/never")).isEqualTo(DeliveredEntry.NONE);
  }

  // Review 3, finding 1: records made before the key sorted the labels must still keep older runs out.
  @Test
  void aGroupsRecordUnderItsLabelsGivenOrderStillCountsAndTheNewOneIsUnderTheirNameOrder() throws Exception {
    Map<String, String> given = new LinkedHashMap<>();
    given.put("team", "a");
    given.put("env", "prod");
    Push run = new Push("batch_job", "job", given, List.of(new Push.Sample("batch_job_exit_code", "h", null, null, 1)),
        Instant.ofEpochSecond(50));
    index().record(GroupingKeyPath.of("job", given), deliveredAt(100));

    assertThat(GroupingKeyPath.key("job", given)).isEqualTo("job/job/env/prod/team/a");
    assertThat(index().lookup(run).newsIn(run, Instant.ofEpochSecond(200))).as("older than the record").isNull();
  }

  @Test
  void aRecordedEntryIsReadBackByTheNextDeliveryAndIsOneLinkNamedAfterTheGroup() throws Exception {
    index().record("job/a", deliveredAt(100));

    assertThat(index().lookup("job/a")).isEqualTo(deliveredAt(100));
    assertThat(entries()).singleElement().satisfies(link -> {
      assertThat(Files.isSymbolicLink(link)).isTrue();
      assertThat(link.getFileName().toString()).isEqualTo(SpoolFiles.hash("job/a"));
    });
  }

  @Test
  void anEntryThatCouldNotBeWrittenStillHoldsForTheRestOfTheLock() throws Exception {
    Files.writeString(dir.resolve("delivered"), "a file where the index should be");
    DeliveredIndex index = index();

    assertThatThrownBy(() -> index.record("job/a", deliveredAt(100))).isInstanceOf(java.io.IOException.class);
    assertThat(index.lookup("job/a")).isEqualTo(deliveredAt(100));
  }

  @Test
  void pruningDeletesTheEntriesDeliveredBeforeTheCutoffOnly() throws Exception {
    index().record("job/old", deliveredAt(100));
    index().record("job/new", deliveredAt(300));

    boolean empty = index().prune(Instant.ofEpochSecond(200));

    assertThat(empty).isFalse();
    assertThat(index().lookup("job/old")).isEqualTo(DeliveredEntry.NONE);
    assertThat(index().lookup("job/new")).isEqualTo(deliveredAt(300));
  }

  @Test
  void anEntryThatIsNoLinkCountsAsNoneAndIsReportedOnce() throws Exception {
    Files.createDirectories(dir.resolve("delivered"));
    Files.writeString(dir.resolve("delivered").resolve(SpoolFiles.hash("job/a")), "hand-made");

    assertThat(index().lookup("job/a")).isEqualTo(DeliveredEntry.NONE);
    index().record("job/a", deliveredAt(100));
    assertThat(index().lookup("job/a")).isEqualTo(deliveredAt(100));
  }
}
