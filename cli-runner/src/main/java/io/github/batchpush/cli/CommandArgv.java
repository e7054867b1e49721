package io.github.batchpush.cli;

import io.github.batchpush.Setting;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Starts COMMAND with its arguments byte for byte. Java hands a child its argv as strings and encodes them again:
 * with the default charset on Java 17, with {@code sun.jnu.encoding} (the locale's, which no option changes) from
 * Java 18 on. So COMMAND is started directly whenever its bytes survive that round trip (every argument under a UTF-8
 * locale unless it is not UTF-8, every ASCII one under any locale), which costs nothing. Otherwise it goes through
 * {@code /bin/sh}, which gets each argument in ASCII (octal escapes for {@code printf %b}) and {@code exec}s
 * {@code env -i} with COMMAND's environment and argv: one process throughout, so the pid, exit code, stdio and
 * signals are COMMAND's. {@code env -i} because the shell would change the environment it passes on (dash resets
 * {@code IFS}, {@code OPTIND} and {@code PPID} and adds {@code PWD}); the environment's bytes are the JVM's, from
 * {@code /proc/self/environ}, minus batchpush's secrets.
 *
 * <pre>{@code
 * List<String> command = List.of("find", "/data", "-name", "café*");
 * Process p = new CommandArgv(command, argv.bytesOf(command), Set.of("BATCHPUSH_PASSWORD"))
 *     .processBuilder().inheritIO().start();
 * }</pre>
 */
final class CommandArgv {
  private static final Path SH = Path.of("/bin/sh");
  private static final Path ENV = Path.of("/usr/bin/env");
  private static final Path ENVIRON = Path.of("/proc/self/environ");
  /** Set by the launcher: the digits of the standard descriptors that were closed when it started. */
  private static final String CLOSED_STDIO = "batchpush.closed-stdio";
  /** How {@link ProcessBuilder#start()} words the two reasons exec fails for. */
  private static final String ENOENT = "error=2, No such file or directory";
  private static final String EACCES = "error=13, Permission denied";
  /** The charsets Java may encode a child's argv with: the default (Java 17) and sun.jnu.encoding (18+). */
  private static final List<Charset> JAVA_ARGV_CHARSETS = List.of(Charset.defaultCharset(), jnuCharset());
  /**
   * $1: how many environment entries follow, or "-" to keep the shell's environment; then those entries, then
   * COMMAND and its arguments. The 'x' keeps command substitution from eating trailing newlines.
   */
  static final String DECODER = "n=$1; shift; c=$#\n"
      + "for a do\n"
      + "  case $a in *\\\\*) a=$(printf '%bx' \"$a\"); a=${a%x} ;; esac\n"
      + "  set -- \"$@\" \"$a\"\n"
      + "done\n"
      + "shift \"$c\"\n"
      + "[ \"$n\" = - ] && exec \"$@\"\n"
      + "exec " + ENV + " -i -- \"$@\"\n";

  private final List<String> text;
  private final byte[][] bytes;
  private final Set<String> removedVariables;

  /**
   * COMMAND and its arguments: {@code text} as parsed (for messages), {@code bytes} as given, or null when unknown;
   * {@code removedVariables} are kept from its environment.
   */
  CommandArgv(List<String> text, byte[][] bytes, Set<String> removedVariables) {
    this.text = List.copyOf(text);
    this.bytes = bytes == null ? null : bytes.clone();
    this.removedVariables = Set.copyOf(removedVariables);
  }

  /** A backup script, or the shell that sends it a signal, has no business seeing the gateway's credentials. */
  static Set<String> secretVariables() {
    Set<String> secrets = new HashSet<>();
    for (Setting setting : Setting.values()) {
      if (setting.isSecret()) {
        secrets.add(setting.environmentVariable());
      }
    }
    return secrets;
  }

  /** COMMAND's name, for messages. */
  String name() {
    return text.get(0);
  }

  /**
   * What starts COMMAND; stdio is the caller's to set.
   *
   * @throws IOException as {@link ProcessBuilder#start()} words it ("error=2, No such file or directory") when the
   *     shell would be needed and COMMAND can already be seen not to be runnable
   */
  ProcessBuilder processBuilder() throws IOException {
    List<Integer> closed = closedAtStart();
    List<String> direct = closed.isEmpty() ? direct() : null;
    if (direct != null) {
      return withoutRemovedVariables(new ProcessBuilder(direct));
    }
    byte[][] args = bytes != null ? bytes : encoded(text);
    String name = roundTrip(args[0], jnuCharset());
    String why = name == null ? null : whyNotRunnable(name, System.getenv("PATH"));
    if (why != null) {
      throw new IOException("Cannot run program \"" + name() + "\": " + why);
    }
    StringBuilder script = new StringBuilder();
    for (int fd : closed) {
      script.append("exec ").append(fd).append(fd == 0 ? "<&-\n" : ">&-\n");
    }
    List<String> sh = new ArrayList<>(List.of(SH.toString(), "-c", script + DECODER, "batchpush"));
    List<byte[]> environment = indexOf(args[0], (byte) '=') < 0 && Files.isExecutable(ENV) ? environment() : null;
    if (environment != null) {
      sh.add(Integer.toString(environment.size()));
      environment.forEach(entry -> sh.add(escape(entry)));
    } else {
      // env would take a name with '=' for a variable; without env the shell's changes to the environment stay.
      sh.add("-");
    }
    for (byte[] arg : args) {
      sh.add(escape(arg));
    }
    ProcessBuilder pb = new ProcessBuilder(sh);
    if (environment != null) {
      pb.environment().clear();
      return pb;
    }
    return withoutRemovedVariables(pb);
  }

  /**
   * Which of stdin, stdout and stderr were closed when batchpush started, as the launcher saw them: the JVM then took
   * those numbers for its own files and pipes (the JDK's modules file as fd 0), which COMMAND must not inherit. The
   * shell closes them again before it execs COMMAND. Empty when started otherwise than by the launcher.
   */
  static List<Integer> closedAtStart() {
    String closed = System.getProperty(CLOSED_STDIO, "");
    List<Integer> fds = new ArrayList<>();
    for (int fd = 0; fd <= 2; fd++) {
      if (closed.indexOf('0' + fd) >= 0) {
        fds.add(fd);
      }
    }
    return fds;
  }

  private static byte[][] encoded(List<String> text) {
    byte[][] bytes = new byte[text.size()][];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = text.get(i).getBytes(jnuCharset());
    }
    return bytes;
  }

  private ProcessBuilder withoutRemovedVariables(ProcessBuilder pb) {
    for (String name : removedVariables) {
      pb.environment().remove(name);
    }
    return pb;
  }

  /** The strings that carry COMMAND's bytes when Java encodes them, or null when some cannot. */
  private List<String> direct() {
    if (bytes == null) {
      return text;
    }
    List<String> strings = new ArrayList<>(bytes.length);
    for (byte[] arg : bytes) {
      String s = null;
      for (Charset charset : JAVA_ARGV_CHARSETS) {
        String decoded = roundTrip(arg, charset);
        if (decoded == null || s != null && !s.equals(decoded)) {
          return null;
        }
        s = decoded;
      }
      strings.add(s);
    }
    return strings;
  }

  /** {@code bytes} decoded, when encoding that gives the same bytes back; else null. */
  private static String roundTrip(byte[] bytes, Charset charset) {
    String s = new String(bytes, charset);
    return Arrays.equals(s.getBytes(charset), bytes) ? s : null;
  }

  /**
   * Why exec would fail for {@code name}, as Java's own PATH search (that of execvp) tells it, or null: so that a
   * missing or non-executable COMMAND exits 127 or 126 with the same message either way.
   */
  static String whyNotRunnable(String name, String path) {
    try {
      if (name.indexOf('/') >= 0) {
        return whyNotRunnable(Path.of(name));
      }
      boolean denied = false;
      for (String dir : (path == null ? ":/bin:/usr/bin" : path).split(":", -1)) {
        String why = whyNotRunnable(Path.of(dir.isEmpty() ? "." : dir).resolve(name));
        if (why == null) {
          return null;
        }
        denied |= why.equals(EACCES);
      }
      return denied ? EACCES : ENOENT;
    } catch (RuntimeException e) {
      return null; // a name Java cannot look at: the shell finds out
    }
  }

  private static String whyNotRunnable(Path file) {
    if (!Files.exists(file)) {
      return ENOENT;
    }
    return Files.isDirectory(file) || !Files.isExecutable(file) ? EACCES : null;
  }

  /**
   * The JVM's environment as bytes, minus the removed variables, as Java would pass it on: entries without a name
   * are skipped, and the first of two with one name wins. Null when /proc cannot tell.
   */
  private List<byte[]> environment() {
    byte[] environ;
    try {
      environ = Files.readAllBytes(ENVIRON);
    } catch (IOException | RuntimeException e) {
      return null;
    }
    List<byte[]> entries = new ArrayList<>();
    Set<String> names = new HashSet<>();
    int start = 0;
    for (int i = 0; i < environ.length; i++) {
      if (environ[i] == 0) {
        byte[] entry = Arrays.copyOfRange(environ, start, i);
        start = i + 1;
        int eq = indexOf(entry, (byte) '=');
        String name = eq <= 0 ? null : new String(entry, 0, eq, StandardCharsets.ISO_8859_1);
        if (name != null && !removedVariables.contains(name) && names.add(name)) {
          entries.add(entry);
        }
      }
    }
    return entries;
  }

  private static int indexOf(byte[] bytes, byte b) {
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == b) {
        return i;
      }
    }
    return -1;
  }

  /** ASCII only: every byte above 0x7f, and the backslash, as a {@code printf %b} octal escape. */
  static String escape(byte[] bytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length);
    for (byte b : bytes) {
      int c = b & 0xff;
      if (c >= 0x80 || c == '\\') {
        out.writeBytes(("\\0" + (c >> 6) + ((c >> 3) & 7) + (c & 7)).getBytes(StandardCharsets.US_ASCII));
      } else {
        out.write(c);
      }
    }
    return out.toString(StandardCharsets.US_ASCII);
  }

  private static Charset jnuCharset() {
    try {
      return Charset.forName(System.getProperty("sun.jnu.encoding"));
    } catch (RuntimeException e) {
      return Charset.defaultCharset();
    }
  }
}
