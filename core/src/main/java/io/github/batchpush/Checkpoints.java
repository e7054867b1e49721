package io.github.batchpush;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Named points of the spool's delivery where a test kills the process with a real SIGKILL, to check that whatever
 * dies there loses and reorders nothing. Off unless the system property {@code batchpush.test.killAt} names a point,
 * optionally with the how-many-th time it is reached: {@code -Dbatchpush.test.killAt=replay-sent#2}.
 *
 * <pre>{@code
 * Checkpoints.reached("own-sent");   // does nothing, unless a test asked to be killed here
 * }</pre>
 */
final class Checkpoints {
  private static final String KILL_AT = System.getProperty("batchpush.test.killAt");
  private static final AtomicInteger REACHED = new AtomicInteger();

  private Checkpoints() {}

  static void reached(String point) {
    if (KILL_AT != null && matches(point)) {
      killThisProcess(point);
    }
  }

  private static boolean matches(String point) {
    int hash = KILL_AT.indexOf('#');
    String name = hash < 0 ? KILL_AT : KILL_AT.substring(0, hash);
    int nth = hash < 0 ? 1 : Integer.parseInt(KILL_AT.substring(hash + 1));
    return name.equals(point) && REACHED.incrementAndGet() == nth;
  }

  /** The shell's built-in kill: a real SIGKILL, as the OOM killer or {@code kill -9} would send. */
  private static void killThisProcess(String point) {
    System.out.println("checkpoint " + point + ": SIGKILL");
    System.out.flush();
    try {
      new ProcessBuilder("sh", "-c", "kill -KILL " + ProcessHandle.current().pid()).start().waitFor();
      Thread.sleep(60_000);
    } catch (IOException | InterruptedException e) {
      Runtime.getRuntime().halt(137);
    }
    Runtime.getRuntime().halt(137);
  }
}
