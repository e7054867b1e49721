package io.github.batchpush.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * One typical run against a stand-in gateway on loopback, so that the launcher can record which classes a run loads
 * ({@code -XX:DumpLoadedClassList}, or Java 25's {@code -XX:AOTCacheOutput}) and archive them. Never pushes anywhere
 * real and never writes textfiles. The spool is on, as in a real run (its journal and lock are part of every run's
 * path), but in a directory of its own that is removed afterwards.
 *
 * <pre>{@code
 * java -XX:DumpLoadedClassList=batchpush.classlist -cp batchpush io.github.batchpush.cli.CdsTraining
 * }</pre>
 */
final class CdsTraining {
  private CdsTraining() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    Path spool = Files.createTempDirectory("batchpush-training-");
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread gateway = new Thread(() -> answerOnce(server), "cds-training-gateway");
      gateway.setDaemon(true);
      gateway.start();
      // As main runs it: these are not the JVM's arguments, so COMMAND gets them as strings, but the same classes
      // load (reading /proc/self/cmdline included).
      BatchPushCli.run(new String[] {"run", "--job", "batchpush_cds_training",
          "--gateway", "http://127.0.0.1:" + server.getLocalPort(), "--deadline", "5s", "--spool-dir",
          spool.toString(), "--quiet", "--", "true"});
      gateway.join(5_000);
    } finally {
      removeTree(spool);
    }
    // Whatever the run's exit code, the classes it loaded are worth archiving.
    System.exit(0);
  }

  private static void removeTree(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
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
