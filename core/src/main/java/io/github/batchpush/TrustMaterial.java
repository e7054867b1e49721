package io.github.batchpush;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * What an https gateway's certificate is checked against, when not the JVM's defaults: the CA certificates of a PEM
 * file, the entries of a PKCS12/JKS truststore, or both. Loaded once, when the {@link BatchPush} is built, so that a
 * bad file fails the configuration rather than the first push.
 */
final class TrustMaterial {
  private final Path caCertificates;
  private final Path trustStore;
  private final char[] trustStorePassword;
  private final SSLSocketFactory socketFactory;

  private TrustMaterial(Path caCertificates, Path trustStore, char[] trustStorePassword, String caKey) {
    this.caCertificates = caCertificates;
    this.trustStore = trustStore;
    this.trustStorePassword = trustStorePassword == null ? null : trustStorePassword.clone();
    this.socketFactory = load(caKey);
  }

  /**
   * The trust material of these files, or null for the JVM's defaults when both are null; {@code caKey}, when not
   * null, is the option or variable the CA file was given through.
   *
   * @throws IllegalArgumentException naming the file that cannot be loaded
   */
  static TrustMaterial of(Path caCertificates, Path trustStore, char[] trustStorePassword, String caKey) {
    return caCertificates == null && trustStore == null ? null
        : new TrustMaterial(caCertificates, trustStore, trustStorePassword, caKey);
  }

  Path caCertificates() {
    return caCertificates;
  }

  Path trustStore() {
    return trustStore;
  }

  char[] trustStorePassword() {
    return trustStorePassword == null ? null : trustStorePassword.clone();
  }

  SSLSocketFactory socketFactory() {
    return socketFactory;
  }

  private SSLSocketFactory load(String caKey) {
    try {
      KeyStore trusted;
      if (trustStore != null) {
        trusted = loadTrustStore(ConfigFiles.read(trustStore, ConfigFiles.MAX_TRUST_BYTES, "truststore"),
            trustStorePassword);
      } else {
        trusted = KeyStore.getInstance(KeyStore.getDefaultType());
        trusted.load(null, null);
      }
      if (caCertificates != null) {
        int i = 0;
        for (Certificate c : readCertificates(caCertificates)) {
          trusted.setCertificateEntry("batchpush-ca-" + i++, c);
        }
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trusted);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, tmf.getTrustManagers(), null);
      return context.getSocketFactory();
    } catch (IllegalArgumentException e) {
      // A FIFO, a device or an oversized file: the message names it already.
      throw new IllegalArgumentException(prefix(caKey) + e.getMessage(), e);
    } catch (IOException | GeneralSecurityException e) {
      Path file = trustStore != null ? trustStore : caCertificates;
      throw new IllegalArgumentException(prefix(caKey) + "Cannot load trusted certificates from '" + file + "': "
          + e.getMessage()
          + " (give a PEM file of CA certificates, or a PKCS12/JKS truststore and its password)", e);
    }
  }

  private String prefix(String caKey) {
    return trustStore == null && caKey != null ? "Invalid " + caKey + ": " : "";
  }

  /** A JKS store starts with 0xFEEDFEED; anything else is taken for PKCS12, as the JDK's own probe does. */
  private static KeyStore loadTrustStore(byte[] bytes, char[] password) throws IOException, GeneralSecurityException {
    boolean jks = bytes.length >= 4 && (bytes[0] & 0xff) == 0xfe && (bytes[1] & 0xff) == 0xed
        && (bytes[2] & 0xff) == 0xfe && (bytes[3] & 0xff) == 0xed;
    KeyStore store = KeyStore.getInstance(jks ? "JKS" : "PKCS12");
    store.load(new ByteArrayInputStream(bytes), password);
    return store;
  }

  private static Collection<? extends Certificate> readCertificates(Path pem)
      throws IOException, GeneralSecurityException {
    byte[] bytes = ConfigFiles.read(pem, ConfigFiles.MAX_TRUST_BYTES, "CA certificate file");
    Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509")
        .generateCertificates(new ByteArrayInputStream(bytes));
    if (certificates.isEmpty()) {
      throw new GeneralSecurityException("no certificate in the file");
    }
    return certificates;
  }
}
