package io.github.batchpush.spring;

import io.github.batchpush.JobRun;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.springframework.batch.core.job.JobExecution;

/**
 * The runs every {@link BatchPushJobListener} of the JVM has started and not yet pushed, and what becomes of them
 * when the JVM or the application context stops before Spring Batch calls {@code afterJob}: they are pushed as
 * interrupted, in parallel, each within its delivery deadline. Spring Batch's own {@code afterJob} never comes once
 * the DataSource is closed; when it does come, its push replaces the interrupted one.
 */
final class InFlightRuns {
  /**
   * By execution object rather than id: the resourceless repository gives every execution the id 1, so ids clash
   * across concurrently running jobs. The key is the object Spring Batch hands to both {@code beforeJob} and
   * {@code afterJob}.
   */
  private static final Map<JobExecution, Claim> RUNS = Collections.synchronizedMap(new IdentityHashMap<>());

  /** The execution last recorded on this thread, so that a second listener on the same job stays quiet. */
  private static final ThreadLocal<WeakReference<JobExecution>> RECORDED =
      ThreadLocal.withInitial(() -> new WeakReference<>(null));

  private static final AtomicBoolean SHUTDOWN_HOOK = new AtomicBoolean();

  private InFlightRuns() {}

  /**
   * {@code beforeJob}: the run starts, unless another batchpush listener of the job records it already (one
   * registered for {@link PushMetrics} takes over from one added by hand).
   */
  static void begin(JobExecution execution, BatchPushJobListener listener) {
    Claim claim = new Claim(listener);
    synchronized (claim) {
      synchronized (RUNS) {
        Claim existing = RUNS.get(execution);
        if (existing != null && (existing.owner.fromAnnotation() || !listener.fromAnnotation())) {
          return;
        }
        // Claimed before the (possibly slow) start push so that a second listener on this job backs off.
        RUNS.put(execution, claim);
      }
      installShutdownHook();
      claim.run = listener.start(execution);
    }
  }

  /** {@code afterJob}: the listener that began the run pushes it; another one on the same job stays quiet. */
  static void end(JobExecution execution, BatchPushJobListener listener) {
    Claim claim;
    synchronized (RUNS) {
      claim = RUNS.get(execution);
      if (claim != null && claim.owner != listener) {
        return;
      }
      if (claim == null && RECORDED.get().get() == execution) {
        return;
      }
      RUNS.remove(execution);
    }
    RECORDED.set(new WeakReference<>(execution));
    if (claim == null) {
      // Stopped or rejected before beforeJob ran (the start time is then null).
      listener.finish(null, execution);
      return;
    }
    synchronized (claim) {
      claim.ended = true;
      listener.finish(claim.run, execution);
    }
  }

  /**
   * Pushes each run in flight whose execution {@code matches} as interrupted, unless it was already; returns once
   * every push is delivered or spooled. The runs stay in flight: an {@code afterJob} that still comes pushes the
   * real outcome over them.
   */
  static void interrupt(Predicate<JobExecution> matches, String why) {
    List<Thread> pushes = new ArrayList<>();
    synchronized (RUNS) {
      RUNS.forEach((execution, claim) -> {
        if (matches.test(execution)) {
          pushes.add(new Thread(() -> claim.interrupt(execution, why), "batchpush-interrupted-"
              + execution.getJobInstance().getJobName()));
        }
      });
    }
    pushes.forEach(Thread::start);
    for (Thread push : pushes) {
      try {
        push.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /**
   * Covers what no context close does: a listener added by hand outside any context, a plain Spring context without
   * a shutdown hook, Boot with {@code spring.main.register-shutdown-hook=false}. It runs alongside the context's
   * own hook; a run pushed by one is skipped by the other.
   */
  private static void installShutdownHook() {
    if (SHUTDOWN_HOOK.compareAndSet(false, true)) {
      try {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> interrupt(execution -> true, "the JVM is stopping"),
            "batchpush-interrupted-runs"));
      } catch (IllegalStateException e) {
        // A job starting while the JVM already stops: its context's close still pushes it; the job must not fail.
        SHUTDOWN_HOOK.set(false);
      }
    }
  }

  private static final class Claim {
    final BatchPushJobListener owner;
    JobRun run;
    boolean ended;
    boolean interrupted;

    Claim(BatchPushJobListener owner) {
      this.owner = owner;
    }

    synchronized void interrupt(JobExecution execution, String why) {
      if (!ended && !interrupted && run != null) {
        interrupted = true;
        owner.pushInterrupted(execution, run, why);
      }
    }
  }
}
