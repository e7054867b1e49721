package io.github.batchpush;

/** No answer came from the Pushgateway in time: connection refused or reset, a timeout, a TLS failure. */
public final class GatewayUnreachableException extends PushException {
  private static final long serialVersionUID = 1L;

  GatewayUnreachableException(String message, Throwable cause) {
    super(message, cause);
  }
}
