import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Gauge;
import io.prometheus.client.exporter.PushGateway;
import java.net.URL;
import java.util.Arrays;

/**
 * The second baseline: the Java wrapper a developer writes in twenty lines (ProcessBuilder, then
 * simpleclient's pushAdd of the same gauges), with none of batchpush's option parsing, retries, spool or signal
 * handling. Usage: java -cp batchpush NaiveWrapper JOB COMMAND [ARGS...]
 */
public final class NaiveWrapper {
  public static void main(String[] args) throws Exception {
    double start = System.currentTimeMillis() / 1000.0;
    int code = new ProcessBuilder(Arrays.copyOfRange(args, 1, args.length)).inheritIO().start().waitFor();
    double end = System.currentTimeMillis() / 1000.0;
    CollectorRegistry registry = new CollectorRegistry();
    gauge(registry, "batch_job_duration_seconds", end - start);
    gauge(registry, "batch_job_last_start_timestamp_seconds", start);
    gauge(registry, "batch_job_last_completion_timestamp_seconds", end);
    gauge(registry, "batch_job_exit_code", code);
    if (code == 0) {
      gauge(registry, "batch_job_last_success_timestamp_seconds", end);
    }
    String gateway = System.getenv().getOrDefault("BATCHPUSH_GATEWAY", "http://localhost:9091");
    new PushGateway(new URL(gateway)).pushAdd(registry, args[0]);
    System.exit(code);
  }

  private static void gauge(CollectorRegistry registry, String name, double value) {
    Gauge.build(name, name).register(registry).set(value);
  }
}
