package io.github.batchpush.cli;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.codegen.docgen.manpage.ManPageGenerator;

/**
 * Writes the bash completion script and the man pages (AsciiDoc, which the build turns into troff) from the model
 * {@code --help} prints, at build time only: picocli-codegen, which writes the man pages, is not shipped.
 *
 * <pre>{@code
 * java -cp CLASSPATH io.github.batchpush.cli.Documentation completion target/completion/batchpush
 * java -cp CLASSPATH io.github.batchpush.cli.Documentation man target/man
 * }</pre>
 */
final class Documentation {
  private Documentation() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 2 || !(args[0].equals("completion") || args[0].equals("man"))) {
      throw new IllegalArgumentException("usage: Documentation completion FILE | man DIR");
    }
    // Every command, as `batchpush --help` lists them, without the help command that only a request for help adds.
    CommandLine batchpush = new CommandLine(BatchPushCli.model(Argv.decodedOnly(new String[0]), null));
    Path target = Path.of(args[1]);
    if (args[0].equals("completion")) {
      Files.createDirectories(target.toAbsolutePath().getParent());
      Files.writeString(target, AutoComplete.bash("batchpush", batchpush), StandardCharsets.UTF_8);
    } else {
      Files.createDirectories(target);
      int code = ManPageGenerator.generateManPage(target.toFile(), (File) null, new boolean[0], true,
          batchpush.getCommandSpec());
      if (code != 0) {
        throw new IOException("picocli's ManPageGenerator failed with " + code);
      }
    }
  }
}
