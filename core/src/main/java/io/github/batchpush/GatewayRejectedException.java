package io.github.batchpush;

/**
 * The Pushgateway answered with a non-2xx status. {@link #status()} tells which, {@link #reason()} the gateway's own
 * explanation (for a 400, the text after {@code pushed metrics are invalid or inconsistent}).
 */
public final class GatewayRejectedException extends PushException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String reason;

  GatewayRejectedException(String message, int status, String reason) {
    super(message, null);
    this.status = status;
    this.reason = reason;
  }

  /** The HTTP status the gateway answered with. */
  public int status() {
    return status;
  }

  /**
   * The gateway's reason: the first line of its response body, at most 200 characters, with anything that looks like
   * a credential replaced by "***"; empty when it gave none.
   */
  public String reason() {
    return reason;
  }

  /** Whether a later attempt may succeed: 408, 429 and 5xx are passing, every other status is permanent. */
  public boolean isTransient() {
    return status == 408 || status == 429 || status >= 500;
  }
}
