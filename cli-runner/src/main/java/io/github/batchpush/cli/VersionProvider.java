package io.github.batchpush.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine.IVersionProvider;

/** The version Maven wrote into {@code version.txt} at build time. */
final class VersionProvider implements IVersionProvider {
  @Override
  public String[] getVersion() throws IOException {
    try (InputStream in = VersionProvider.class.getResourceAsStream("version.txt")) {
      String version = in == null ? "unknown" : new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
      return new String[] {"batchpush " + version, "Java ${java.version} (${java.vendor})"};
    }
  }
}
