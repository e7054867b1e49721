package io.github.batchpush.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback TCP server for the faults the real Pushgateway cannot produce on demand: it accepts connections and
 * never answers, or answers every request with a fixed status. It counts the requests it saw.
 *
 * <pre>{@code
 * try (FaultServer hang = FaultServer.silent()) { ... push to hang.uri() ... }
 * }</pre>
 */
public final class FaultServer implements AutoCloseable {
  private final ServerSocket server;
  private final int status;
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private final AtomicInteger requests = new AtomicInteger();
  private final Thread acceptor;

  private FaultServer(int status) throws IOException {
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.status = status;
    this.acceptor = new Thread(this::acceptLoop, "fault-server-" + server.getLocalPort());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** Accepts connections, reads nothing back, never answers. */
  public static FaultServer silent() {
    return create(0);
  }

  /** Reads the request, then sends its answer's status line one byte every 200 ms, for two minutes. */
  public static FaultServer trickling() {
    return create(-1);
  }

  /** Answers every request with this status and a one-line body. */
  public static FaultServer answering(int status) {
    return create(status);
  }

  private static FaultServer create(int status) {
    try {
      return new FaultServer(status);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public URI uri() {
    return URI.create("http://127.0.0.1:" + server.getLocalPort());
  }

  public int requests() {
    return requests.get();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        open.add(s);
        requests.incrementAndGet();
        if (status != 0) {
          Thread worker = new Thread(() -> answer(s), "fault-server-answer");
          worker.setDaemon(true);
          worker.start();
        }
      } catch (IOException closed) {
        return;
      }
    }
  }

  private void answer(Socket s) {
    try (s) {
      // Read the request head and body until the client waits for us, then answer.
      s.setSoTimeout(2000);
      byte[] buf = new byte[65536];
      int total = 0;
      String text = "";
      while (!text.contains("\r\n\r\n") || total < headerEnd(text) + contentLength(text)) {
        int n = s.getInputStream().read(buf, total, buf.length - total);
        if (n < 0) {
          break;
        }
        total += n;
        text = new String(buf, 0, total, java.nio.charset.StandardCharsets.ISO_8859_1);
      }
      if (status < 0) {
        // The status line itself never completes: a finished status line would already count as an answer.
        s.getOutputStream().write("HTTP/1.1 200 O".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        for (int i = 0; i < 600 && !server.isClosed(); i++) {
          s.getOutputStream().write('K');
          s.getOutputStream().flush();
          Thread.sleep(200);
        }
        return;
      }
      String body = "fault server says " + status + "\n";
      s.getOutputStream().write(("HTTP/1.1 " + status + " Fault\r\nContent-Type: text/plain\r\nContent-Length: "
          + body.length() + "\r\nConnection: close\r\n\r\n" + body).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
    } catch (IOException | InterruptedException ignored) {
      // the client gave up; that is the client's business
    }
  }

  private static int headerEnd(String text) {
    int i = text.indexOf("\r\n\r\n");
    return i < 0 ? Integer.MAX_VALUE / 2 : i + 4;
  }

  private static int contentLength(String text) {
    for (String line : text.split("\r\n")) {
      if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
        return Integer.parseInt(line.substring(15).trim());
      }
    }
    return 0;
  }

  @Override
  public void close() {
    try {
      server.close();
      for (Socket s : open) {
        s.close();
      }
    } catch (IOException ignored) {
      // closing anyway
    }
  }
}
