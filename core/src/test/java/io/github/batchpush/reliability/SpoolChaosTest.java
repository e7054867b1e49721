package io.github.batchpush.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.batchpush.BatchPush;
import io.github.batchpush.SpoolReport;
import io.github.batchpush.testing.Pushgateway;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Chaos, replayable from its seed: job processes share one spool and run concurrently while the real gateway is
 * stopped and restarted; some are killed with SIGKILL at a random moment or checkpoint, some can write only part of
 * a file ({@code ulimit -f}). Each run tells on its stdout when it finished and what became of it. After a final
 * flush the gateway must hold, for each group, exactly the values of the newest finished run it got, which is no
 * older than any run that was said delivered or spooled, and as last success the newest success it got, no older
 * than any success said delivered or spooled: nothing lost that was promised, nothing older on top of newer.
 *
 * <p>A failing seed prints itself; run just that one with {@code -Dtest=SpoolChaosTest -Dchaos.seeds=N}.
 */
class SpoolChaosTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String[] CHECKPOINTS = {"file-written", "own-spooled", "own-sent", "sent", "index-linked",
      "indexed", "deleted"};
  /** How close a timestamp pushed as seconds comes back: a double of epoch seconds holds about 0.2 µs. */
  private static final Offset<Double> NANOSECONDS_OF_A_DOUBLE = Offset.offset(1e-6);
  private static final int CHILDREN = 10;
  private static final int CONCURRENT = 4;

  @TempDir
  Path work;

  /** One closed run, as its process told it. */
  record Closing(int id, String job, int exit, Instant start, Instant end) {
    double seconds(Instant t) {
      return t.getEpochSecond() + t.getNano() / 1e9;
    }
  }

  /** The fixed seeds CI runs; {@code -Dchaos.seeds=5,6,7} runs others (or replays one). */
  static LongStream seeds() {
    String chosen = System.getProperty("chaos.seeds",
        "11,23,37,41,53,67,79,83,97,101,103,107,109,113,127,131,137,139,149,151");
    return Arrays.stream(chosen.split(",")).mapToLong(s -> Long.parseLong(s.strip()));
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void theGatewayEndsHoldingTheNewestFinishedRunOfEachGroup(long seed) throws Exception {
    System.out.println("chaos seed " + seed);
    Random random = new Random(seed);
    Path spool = work.resolve("spool");
    int port = Pushgateway.freePort();
    URI url = URI.create("http://127.0.0.1:" + port);
    try (PersistentGateway gateway = new PersistentGateway(port, work.resolve("gateway.db"))) {
      Map<Integer, String> outcomes = new ConcurrentHashMap<>();
      Map<Integer, Closing> closed = new ConcurrentHashMap<>();
      AtomicBoolean childrenDone = new AtomicBoolean();
      CompletableFuture<Integer> restarts = CompletableFuture.supplyAsync(
          () -> restartAtRandom(gateway, new Random(seed * 31), childrenDone));
      int killed = runChildren(random, url, spool, closed, outcomes);
      childrenDone.set(true);
      int restarted = restarts.get(60, TimeUnit.SECONDS);
      gateway.ensureUp();

      SpoolReport last = BatchPush.builder().gateway(url).spoolDirectory(spool).deadline(Duration.ofSeconds(60))
          .build().flush();

      System.out.printf("chaos seed %d: %d runs closed (%s), %d processes SIGKILLed, gateway restarted %d times; "
          + "final flush: %s%n", seed, closed.size(), tally(outcomes), killed, restarted, last);
      assertThat(closed).as("seed %d: runs closed", seed).isNotEmpty();
      assertThat(outcomes.values()).as("seed %d: every outcome told", seed).allMatch(o -> !o.startsWith("unknown"));
      assertThat(last.remaining()).as("seed %d: %s", seed, last).isZero();
      assertThat(spool.resolve("corrupt")).as("seed %d: nothing set aside", seed).doesNotExist();
      for (String job : SpoolChild.CHAOS_JOBS) {
        checkGroup(seed, job, gateway.group(job), closed, outcomes);
      }
    }
  }

  /** Starts the children, a few at a time; returns how many were killed (by the parent or at a checkpoint). */
  private int runChildren(Random random, URI url, Path spool, Map<Integer, Closing> closed,
      Map<Integer, String> outcomes) throws Exception {
    List<CompletableFuture<Boolean>> running = new ArrayList<>();
    int killed = 0;
    for (int child = 0; child < CHILDREN; child++) {
      while (running.stream().filter(f -> !f.isDone()).count() >= CONCURRENT) {
        Thread.sleep(20);
      }
      running.add(startChild(random, child, url, spool, closed, outcomes));
      Thread.sleep(random.nextInt(400));
    }
    for (CompletableFuture<Boolean> f : running) {
      if (f.get(120, TimeUnit.SECONDS)) {
        killed++;
      }
    }
    return killed;
  }

  /** One child with its random fault; completes with whether it was killed. */
  private CompletableFuture<Boolean> startChild(Random random, int child, URI url, Path spool,
      Map<Integer, Closing> closed, Map<Integer, String> outcomes) throws IOException {
    int fault = random.nextInt(10);
    String shell = fault < 3 ? "ulimit -f " + new int[] {0, 1, 2, 8}[random.nextInt(4)] : "true";
    List<String> jvm = fault == 3 || fault == 4 ? List.of("-Dbatchpush.test.killAt="
        + CHECKPOINTS[random.nextInt(CHECKPOINTS.length)] + "#" + (1 + random.nextInt(3))) : List.of();
    long killAfterMillis = fault == 5 || fault == 6 ? 200 + random.nextInt(1500) : -1;
    String deadline = String.valueOf(new int[] {300, 800, 1500}[random.nextInt(3)]);
    Process process = Children.startAfter(shell, jvm, "chaos", url.toString(), spool.toString(), deadline,
        String.valueOf(child), String.valueOf(random.nextLong()), String.valueOf(2 + random.nextInt(4)));
    CompletableFuture<Void> output = CompletableFuture.runAsync(() -> read(process.getInputStream(), closed,
        outcomes));
    return CompletableFuture.supplyAsync(() -> {
      try {
        boolean ended = process.waitFor(killAfterMillis < 0 ? 90_000 : killAfterMillis, TimeUnit.MILLISECONDS);
        if (!ended) {
          new ProcessBuilder("sh", "-c", "kill -KILL " + process.pid()).start().waitFor();
          process.waitFor(10, TimeUnit.SECONDS);
        }
        output.get(10, TimeUnit.SECONDS);
        // Killed, or done: any other end (a JVM that could not start, an exception) would make the check vacuous.
        if (process.exitValue() != 0 && process.exitValue() != 128 + 9) {
          throw new IllegalStateException("chaos child " + child + " exited with " + process.exitValue());
        }
        return process.exitValue() == 128 + 9;
      } catch (Exception e) {
        process.destroyForcibly();
        throw new IllegalStateException(e);
      }
    });
  }

  private static void read(InputStream in, Map<Integer, Closing> closed, Map<Integer, String> outcomes) {
    try {
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        String[] f = line.split(" ");
        if (f[0].equals("closing") && f.length == 6) {
          closed.put(Integer.parseInt(f[1]), new Closing(Integer.parseInt(f[1]), f[2], Integer.parseInt(f[3]),
              instant(f[4]), instant(f[5])));
        } else if (f[0].equals("outcome") && f.length >= 3) {
          outcomes.put(Integer.parseInt(f[1]), f[2]);
        }
      }
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException("unreadable child output: " + e, e);
    }
  }

  private static Instant instant(String nanos) {
    long n = Long.parseLong(nanos);
    return Instant.ofEpochSecond(Math.floorDiv(n, 1_000_000_000L), Math.floorMod(n, 1_000_000_000L));
  }

  /** Stops the gateway (SIGTERM: it persists) and starts it again, at random, until the children are done. */
  private static int restartAtRandom(PersistentGateway gateway, Random random, AtomicBoolean done) {
    int restarts = 0;
    while (!done.get()) {
      Pushgateway.sleep(300 + random.nextInt(1500));
      if (done.get()) {
        break;
      }
      gateway.stop();
      Pushgateway.sleep(200 + random.nextInt(1200));
      gateway.ensureUp();
      restarts++;
    }
    return restarts;
  }

  private static String tally(Map<Integer, String> outcomes) {
    return outcomes.values().stream().collect(Collectors.groupingBy(o -> o, TreeMap::new, Collectors.counting()))
        .toString();
  }

  /** The check the class comment describes, for one group. */
  private static void checkGroup(long seed, String job, Map<String, Double> held, Map<Integer, Closing> closed,
      Map<Integer, String> outcomes) {
    List<Closing> runs = closed.values().stream().filter(c -> c.job().equals(job)).collect(Collectors.toList());
    List<Closing> promised = runs.stream()
        .filter(c -> "delivered".equals(outcomes.get(c.id())) || "spooled".equals(outcomes.get(c.id())))
        .collect(Collectors.toList());
    String context = "seed " + seed + ", group " + job + ", held " + held + ", runs " + runs + ", outcomes "
        + outcomes;
    if (held.isEmpty()) {
      assertThat(promised).as(context).isEmpty();
      return;
    }
    Closing newest = closed.get(held.get("batch_job_run_id").intValue());
    assertThat(newest).as(context).isNotNull();
    for (Closing p : promised) {
      assertThat(newest.end()).as("nothing older on top, nothing promised lost: " + context).isAfterOrEqualTo(p.end());
    }
    assertThat(held.get("batch_job_exit_code")).as(context).isEqualTo((double) newest.exit());
    assertThat(held.get("batch_job_last_completion_timestamp_seconds")).as(context)
        .isCloseTo(newest.seconds(newest.end()), NANOSECONDS_OF_A_DOUBLE);
    assertThat(held.get("batch_job_last_start_timestamp_seconds")).as(context)
        .isCloseTo(newest.seconds(newest.start()), NANOSECONDS_OF_A_DOUBLE);
    checkLastSuccess(context, held.get("batch_job_last_success_timestamp_seconds"), newest, runs, promised);
  }

  private static void checkLastSuccess(String context, Double success, Closing newest, List<Closing> runs,
      List<Closing> promised) {
    if (newest.exit() == 0) {
      assertThat(success).as(context).isCloseTo(newest.seconds(newest.end()), NANOSECONDS_OF_A_DOUBLE);
      return;
    }
    promised.stream().filter(c -> c.exit() == 0).forEach(c -> assertThat(success).as(context).isNotNull()
        .isGreaterThanOrEqualTo(c.seconds(c.end()) - 1e-6));
    if (success != null) {
      assertThat(runs).as("a success some run had: " + context).anyMatch(c -> c.exit() == 0
          && Math.abs(c.seconds(c.end()) - success) < 1e-6 && !c.end().isAfter(newest.end()));
    }
  }

  /** The real gateway with a persistence file, so a stop (SIGTERM) and start keeps what it held, as in production. */
  static final class PersistentGateway implements AutoCloseable {
    private final int port;
    private final Path file;
    private Process process;

    PersistentGateway(int port, Path file) {
      this.port = port;
      this.file = file;
      ensureUp();
    }

    synchronized void ensureUp() {
      if (process != null && process.isAlive()) {
        return;
      }
      Pushgateway.requireBinary();
      try {
        process = new ProcessBuilder(Pushgateway.BINARY.toString(), "--web.listen-address=127.0.0.1:" + port,
            "--persistence.file=" + file, "--log.level=error").redirectErrorStream(true)
            .redirectOutput(file.resolveSibling("gateway.log").toFile()).start();
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (System.nanoTime() < deadline) {
        try (Socket s = new Socket()) {
          s.connect(new InetSocketAddress("127.0.0.1", port), 200);
          return;
        } catch (IOException notYet) {
          Pushgateway.sleep(20);
        }
      }
      throw new IllegalStateException("the gateway did not come up on " + port);
    }

    synchronized void stop() {
      process.destroy();
      try {
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    /** The unlabelled metrics of the group {@code job="<job>"}, without the two the gateway adds itself. */
    Map<String, Double> group(String job) throws IOException {
      Map<String, Double> values = new HashMap<>();
      try (InputStream in = new URL("http://127.0.0.1:" + port + "/api/v1/metrics").openStream()) {
        for (JsonNode group : JSON.readTree(in).get("data")) {
          if (!job.equals(group.get("labels").path("job").asText())) {
            continue;
          }
          group.fields().forEachRemaining(e -> {
            JsonNode series = e.getValue().path("metrics").path(0);
            if (!series.isMissingNode() && !e.getKey().startsWith("push_")) {
              values.put(e.getKey(), Double.parseDouble(series.get("value").asText()));
            }
          });
        }
      }
      return values;
    }

    @Override
    public void close() {
      stop();
    }
  }
}
