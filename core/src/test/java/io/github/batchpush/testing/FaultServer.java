package io.github.batchpush.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A real HTTP server on 127.0.0.1 that produces the faults a real Pushgateway cannot: it answers request N with the
 * N-th {@link Fault} of its script, and every later request with the last one. {@link Fault#pass()} forwards the
 * request to an upstream (the real gateway), so a test can check what finally arrived there.
 *
 * <pre>{@code
 * try (FaultServer server = FaultServer.start(gateway.uri(), Fault.status(503), Fault.pass())) {
 *   ... push to server.uri() ...
 *   assertThat(server.requests()).hasSize(2);
 * }
 * }</pre>
 *
 * <p>Raw sockets rather than the JDK's HttpServer, because "accept and never answer" and "drop the connection after
 * reading the request" need control over the socket that HttpServer does not give.
 */
public final class FaultServer implements AutoCloseable {
  /** What the server does with one request. */
  public record Fault(String kind, int status, long delayMillis) {
    /** Answers with this status and a one-line body. */
    public static Fault status(int status) {
      return new Fault("status", status, 0);
    }

    /** Reads the request, then holds the connection open without a byte of answer until the server closes. */
    public static Fault hang() {
      return new Fault("hang", 0, 0);
    }

    /**
     * Starts a 503 status line, then sends one more byte of its reason every 200 ms: each read is quick, the answer
     * never ends, and it never claims success. (A 200 status line followed by a trickle counts as accepted.)
     */
    public static Fault trickle() {
      return new Fault("trickle", 0, 0);
    }

    /** Waits, then forwards to the upstream. */
    public static Fault delayed(long millis) {
      return new Fault("pass", 0, millis);
    }

    /** Reads the request and closes the connection without an answer. */
    public static Fault drop() {
      return new Fault("drop", 0, 0);
    }

    /**
     * Answers with this status and a body that echoes the request as a careless proxy would: its first line names
     * the request and its {@code Authorization} header, the lines after it every header, then padding to 4 KiB.
     */
    public static Fault echo(int status) {
      return new Fault("echo", status, 0);
    }

    /** Forwards to the upstream (or answers 200 without one). */
    public static Fault pass() {
      return new Fault("pass", 0, 0);
    }
  }

  /** One request as received. */
  public record Request(String method, String path, Map<String, String> headers, String body, long nanoTime) {}

  private final ServerSocket socket;
  private final URI upstream;
  private final List<Fault> script;
  private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final CountDownLatch closed = new CountDownLatch(1);
  private final Thread acceptor;
  private volatile boolean recovered;

  private FaultServer(int port, URI upstream, List<Fault> script) throws IOException {
    this.socket = new ServerSocket(port, 200, InetAddress.getLoopbackAddress());
    this.upstream = upstream;
    this.script = List.copyOf(script);
    this.acceptor = new Thread(this::acceptLoop, "fault-server-" + socket.getLocalPort());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  public static FaultServer start(URI upstream, Fault... script) {
    return start(upstream, List.of(script));
  }

  public static FaultServer start(URI upstream, List<Fault> script) {
    return startOnPort(0, upstream, script);
  }

  /** A server on a given port, e.g. where a "down" gateway was: the same URL then comes back up. */
  public static FaultServer startOnPort(int port, URI upstream, List<Fault> script) {
    if (script.isEmpty()) {
      throw new IllegalArgumentException("script is empty");
    }
    try {
      return new FaultServer(port, upstream, script);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public URI uri() {
    return URI.create("http://127.0.0.1:" + socket.getLocalPort());
  }

  /** Ends the fault: every later request is forwarded (the gateway behind it came back). */
  public void recover() {
    recovered = true;
  }

  /** Every request received so far, in arrival order. */
  public List<Request> requests() {
    synchronized (requests) {
      return List.copyOf(requests);
    }
  }

  /** Waits until at least {@code n} requests arrived; false when {@code timeoutMillis} passed first. */
  public boolean awaitRequests(int n, long timeoutMillis) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    while (requests.size() < n) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(10);
    }
    return true;
  }

  private void acceptLoop() {
    while (!socket.isClosed()) {
      try {
        Socket client = socket.accept();
        open.add(client);
        Thread handler = new Thread(() -> handle(client), "fault-server-conn");
        handler.setDaemon(true);
        handler.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void handle(Socket client) {
    try (client) {
      client.setSoTimeout(30_000);
      InputStream in = client.getInputStream();
      String requestLine = readLine(in);
      if (requestLine == null || requestLine.isEmpty()) {
        return;
      }
      Map<String, String> headers = new LinkedHashMap<>();
      for (String line = readLine(in); line != null && !line.isEmpty(); line = readLine(in)) {
        int colon = line.indexOf(':');
        headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
      }
      if (headers.containsKey("transfer-encoding")) {
        throw new IOException("chunked requests are not supported by this test server");
      }
      int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
      String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
      String[] parts = requestLine.split(" ");
      Fault fault;
      synchronized (requests) {
        fault = recovered ? Fault.pass() : script.get(Math.min(requests.size(), script.size() - 1));
        requests.add(new Request(parts[0], parts[1], headers, body, System.nanoTime()));
      }
      switch (fault.kind()) {
        case "hang":
          closed.await();
          return;
        case "drop":
          return;
        case "trickle":
          OutputStream out = client.getOutputStream();
          out.write("HTTP/1.1 503 Slow".getBytes(StandardCharsets.ISO_8859_1));
          while (!closed.await(200, TimeUnit.MILLISECONDS)) {
            out.write('x');
            out.flush();
          }
          return;
        case "status":
          answer(client.getOutputStream(), fault.status(), "fault injected: HTTP " + fault.status() + "\n");
          return;
        case "echo":
          answer(client.getOutputStream(), fault.status(), echo(requestLine, headers));
          return;
        default:
          if (fault.delayMillis() > 0 && closed.await(fault.delayMillis(), TimeUnit.MILLISECONDS)) {
            return;
          }
          forward(client.getOutputStream(), parts[0], parts[1], headers, body);
      }
    } catch (IOException | InterruptedException | RuntimeException e) {
      // The client went away or the server is closing: nothing to answer.
    } finally {
      open.remove(client);
    }
  }

  private void forward(OutputStream out, String method, String path, Map<String, String> headers, String body)
      throws IOException {
    if (upstream == null) {
      answer(out, 200, "");
      return;
    }
    HttpURLConnection c = (HttpURLConnection) new URL(upstream + path).openConnection();
    c.setConnectTimeout(5000);
    c.setReadTimeout(5000);
    c.setRequestMethod(method);
    for (String h : List.of("content-type", "authorization")) {
      if (headers.containsKey(h)) {
        c.setRequestProperty(h, headers.get(h));
      }
    }
    if (!body.isEmpty()) {
      c.setDoOutput(true);
      c.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
    }
    int status = c.getResponseCode();
    InputStream answer = status < 400 ? c.getInputStream() : c.getErrorStream();
    String text = answer == null ? "" : new String(answer.readAllBytes(), StandardCharsets.UTF_8);
    answer(out, status, text);
  }

  private static String echo(String requestLine, Map<String, String> headers) {
    StringBuilder body = new StringBuilder("upstream refused ").append(requestLine).append(" sent with Authorization: ")
        .append(headers.getOrDefault("authorization", "none")).append('\n');
    headers.forEach((name, value) -> body.append(name).append(": ").append(value).append('\n'));
    while (body.length() < 4096) {
      body.append("padding ");
    }
    return body.toString();
  }

  private static void answer(OutputStream out, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    String head = "HTTP/1.1 " + status + " Fault\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: "
        + bytes.length + "\r\nConnection: close\r\n\r\n";
    out.write(head.getBytes(StandardCharsets.ISO_8859_1));
    out.write(bytes);
    out.flush();
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b = in.read(); b != -1; b = in.read()) {
      if (b == '\n') {
        String s = line.toString(StandardCharsets.ISO_8859_1);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
      }
      line.write(b);
    }
    return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() {
    closed.countDown();
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    for (Socket s : open) {
      try {
        s.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
  }
}
