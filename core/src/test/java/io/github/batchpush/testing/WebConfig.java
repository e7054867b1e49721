package io.github.batchpush.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

/**
 * A Pushgateway {@code --web.config.file} with basic auth and/or TLS, written to a directory. The self-signed
 * certificate for 127.0.0.1 is made by {@code openssl} (Debian's openssl package).
 *
 * <pre>{@code
 * WebConfig web = WebConfig.in(dir).basicAuth("pusher", "s3cret").tls();
 * try (Pushgateway gateway = web.start()) { ... web.caFile() ... }
 * }</pre>
 */
public final class WebConfig {
  private final Path dir;
  private String user;
  private String password;
  private boolean tls;

  private WebConfig(Path dir) {
    this.dir = dir;
  }

  public static WebConfig in(Path dir) {
    return new WebConfig(dir);
  }

  public WebConfig basicAuth(String user, String password) {
    this.user = user;
    this.password = password;
    return this;
  }

  public WebConfig tls() {
    this.tls = true;
    return this;
  }

  /** The PEM certificate the gateway presents (self-signed, so also its CA). */
  public Path caFile() {
    return dir.resolve("cert.pem");
  }

  /** A self-signed certificate for 127.0.0.1 in {@code dir}, as a PEM file usable as a CA bundle. */
  public static Path selfSignedCertificate(Path dir) {
    try {
      WebConfig config = new WebConfig(dir);
      config.generateCertificate();
      return config.caFile();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public Pushgateway start() {
    try {
      StringBuilder yaml = new StringBuilder();
      if (tls) {
        generateCertificate();
        yaml.append("tls_server_config:\n  cert_file: ").append(caFile()).append("\n  key_file: ")
            .append(dir.resolve("key.pem")).append('\n');
      }
      if (user != null) {
        yaml.append("basic_auth_users:\n  ").append(user).append(": '")
            .append(new BCryptPasswordEncoder(4).encode(password)).append("'\n");
      }
      Path file = dir.resolve("web.yml");
      Files.writeString(file, yaml);
      return Pushgateway.startWithWebConfig(file, tls).withClientAuth(user, password, tls ? trust() : null);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** An SSLContext trusting only the generated certificate. */
  public SSLContext trust() {
    try (InputStream in = Files.newInputStream(caFile())) {
      Certificate cert = CertificateFactory.getInstance("X.509").generateCertificate(in);
      KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
      ks.load(null, null);
      ks.setCertificateEntry("ca", cert);
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ks);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private void generateCertificate() throws IOException {
    if (Files.exists(caFile())) {
      return;
    }
    Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
        "-keyout", dir.resolve("key.pem").toString(), "-out", caFile().toString(), "-days", "2",
        "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost")
        .redirectErrorStream(true).redirectOutput(dir.resolve("openssl.log").toFile()).start();
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException("openssl failed: " + Files.readString(dir.resolve("openssl.log")));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
