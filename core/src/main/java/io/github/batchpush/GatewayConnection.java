package io.github.batchpush;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;

/**
 * The connection simpleclient's {@code PushGateway} talks through. It exists for two reasons: simpleclient sets
 * 10 s connect and read timeouts <em>after</em> the connection factory returns, which would let one push block for
 * about 20 s whatever the user configured, so those two setters are ignored here and the factory's timeouts stay;
 * and it keeps the status and body of the answer, so that a rejection can be told from an outage without parsing
 * simpleclient's exception message.
 */
final class GatewayConnection extends HttpURLConnection {
  private static final int MAX_BODY = 4096;

  private final HttpURLConnection delegate;
  private int status = -1;
  private String errorBody = "";

  GatewayConnection(HttpURLConnection delegate) {
    super(delegate.getURL());
    this.delegate = delegate;
  }

  /** The status the gateway answered with, or -1 when there was no answer. */
  int status() {
    return status;
  }

  /** The body of a non-2xx answer, at most 4 KiB of it; for a message, only its {@link ErrorBody#summary}. */
  String errorBody() {
    return errorBody;
  }

  @Override
  public void setConnectTimeout(int timeout) {
    // Pinned by the factory; see the class comment.
  }

  @Override
  public void setReadTimeout(int timeout) {
    // Pinned by the factory; see the class comment.
  }

  @Override
  public int getConnectTimeout() {
    return delegate.getConnectTimeout();
  }

  @Override
  public int getReadTimeout() {
    return delegate.getReadTimeout();
  }

  @Override
  public void setRequestMethod(String method) throws ProtocolException {
    delegate.setRequestMethod(method);
  }

  @Override
  public String getRequestMethod() {
    return delegate.getRequestMethod();
  }

  @Override
  public void setRequestProperty(String key, String value) {
    delegate.setRequestProperty(key, value);
  }

  @Override
  public void setDoOutput(boolean doOutput) {
    delegate.setDoOutput(doOutput);
  }

  @Override
  public void connect() throws IOException {
    delegate.connect();
  }

  @Override
  public OutputStream getOutputStream() throws IOException {
    return delegate.getOutputStream();
  }

  @Override
  public InputStream getInputStream() throws IOException {
    return delegate.getInputStream();
  }

  @Override
  public int getResponseCode() throws IOException {
    status = delegate.getResponseCode();
    return status;
  }

  @Override
  public InputStream getErrorStream() {
    InputStream in = delegate.getErrorStream();
    if (in == null) {
      return null;
    }
    try (in) {
      byte[] body = in.readNBytes(MAX_BODY);
      errorBody = new String(body, StandardCharsets.UTF_8);
      return new ByteArrayInputStream(body);
    } catch (IOException e) {
      return null;
    }
  }

  @Override
  public void disconnect() {
    delegate.disconnect();
  }

  @Override
  public boolean usingProxy() {
    return delegate.usingProxy();
  }
}
