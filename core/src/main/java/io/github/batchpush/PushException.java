package io.github.batchpush;

/**
 * A delivery to the Pushgateway did not succeed.
 *
 * <p>{@link JobRun#close()} logs these and swallows them unless {@link BatchPush.Builder#strict(boolean) strict}
 * mode is on, so monitoring never breaks the job it monitors. The two kinds are {@link GatewayRejectedException}
 * (the gateway answered, and said no) and {@link GatewayUnreachableException} (no usable answer in time).
 */
public class PushException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  PushException(String message, Throwable cause) {
    super(message, cause);
  }
}
