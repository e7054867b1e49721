package io.github.batchpush.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One typical run against a stand-in gateway on loopback, so that the launcher can record which classes a run loads
 * ({@code -XX:DumpLoadedClassList}) and archive them for class-data sharing. Never pushes anywhere real and never
 * spools or writes textfiles.
 *
 * <pre>{@code
 * java -XX:DumpLoadedClassList=batchpush.classlist -cp batchpush io.github.batchpush.cli.CdsTraining
 * }</pre>
 */
final class CdsTraining {
  private CdsTraining() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread gateway = new Thread(() -> answerOnce(server), "cds-training-gateway");
      gateway.setDaemon(true);
      gateway.start();
      BatchPushCli.commandLine().execute("run", "--job", "batchpush_cds_training",
          "--gateway", "http://127.0.0.1:" + server.getLocalPort(), "--deadline", "5s", "--no-spool", "--quiet",
          "--", "true");
      gateway.join(5_000);
      // Whatever the run's exit code, the classes it loaded are worth archiving.
      System.exit(0);
    }
  }

  private static void answerOnce(ServerSocket server) {
    try (Socket s = server.accept()) {
      BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
      int length = 0;
      for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
        if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
          length = Integer.parseInt(line.substring(15).trim());
        }
      }
      for (int i = 0; i < length && in.read() >= 0; i++) {
        // the pushed metrics are of no interest here
      }
      OutputStream out = s.getOutputStream();
      out.write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
          .getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
    } catch (IOException | RuntimeException e) {
      // a failed training run only makes the archive a little less complete
    }
  }
}
