package io.github.batchpush.spring.jobs;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Holds a running job at a known point (after a number of committed chunks) until the test has done what it needs
 * to do meanwhile: stop it, close its context, signal its JVM.
 */
final class Gate {
  private volatile int chunksBeforeHold = -1;
  private volatile CountDownLatch reached = new CountDownLatch(1);
  private volatile CountDownLatch released = new CountDownLatch(1);
  private int chunks;

  /** The next run holds when it is about to write chunk number {@code chunk} (1-based). */
  synchronized void holdAtChunk(int chunk) {
    chunksBeforeHold = chunk - 1;
    chunks = 0;
    reached = new CountDownLatch(1);
    released = new CountDownLatch(1);
  }

  /** Called by the job's writer before each chunk; holds once, when armed. */
  void beforeChunk() {
    CountDownLatch hold = null;
    synchronized (this) {
      if (chunksBeforeHold >= 0 && chunks++ == chunksBeforeHold) {
        chunksBeforeHold = -1;
        hold = released;
      }
    }
    if (hold != null) {
      reached.countDown();
      await(hold);
    }
  }

  /** Waits until the job holds. */
  void awaitHeld() {
    await(reached);
  }

  void release() {
    released.countDown();
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the gate was not passed within 60 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
