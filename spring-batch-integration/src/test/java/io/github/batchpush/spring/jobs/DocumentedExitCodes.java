package io.github.batchpush.spring.jobs;

import java.util.Map;

/**
 * The README's table from BatchStatus and ExitStatus to {@code exit_code}, written out again so that the tests check
 * the code against the documentation rather than against itself.
 */
final class DocumentedExitCodes {
  private static final Map<String, Integer> BY_STATUS = Map.of("COMPLETED", 0, "FAILED", 1, "STOPPED", 2,
      "STOPPING", 2, "ABANDONED", 3);

  private DocumentedExitCodes() {}

  /** Success only for COMPLETED with an exit status other than FAILED. */
  static double of(String status, String exitStatus) {
    int code = BY_STATUS.getOrDefault(status, 4);
    return code == 0 && "FAILED".equals(exitStatus) ? 1 : code;
  }
}
