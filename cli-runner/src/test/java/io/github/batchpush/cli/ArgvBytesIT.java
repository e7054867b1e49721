package io.github.batchpush.cli;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.batchpush.testing.Pushgateway;
import io.github.batchpush.testing.RealPushgateway;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * COMMAND gets its arguments and environment byte for byte, and job names and labels reach the gateway as given,
 * whatever the locale: none at all (cron's, {@code env -i}), or a UTF-8 one; and whatever the bytes, UTF-8 or not.
 * Each case runs on the JVM the tests run on (Java 17) and on Java 25 where it is installed: they encode a child's
 * argv differently.
 * COMMAND writes what the kernel gave it ({@code /proc/$$/cmdline}, {@code /proc/$$/environ}) to files, compared as
 * bytes with what it was given and with batchpush's own environment.
 */
class ArgvBytesIT {
  /** The JVM the tests run on (Java 17 in the build), and Java 25 where it is installed. */
  private static final List<String> JVMS = Stream.of(System.getProperty("java.home"),
      "/usr/lib/jvm/temurin-25-jdk-amd64").filter(home -> Files.isExecutable(Path.of(home, "bin", "java")))
      .distinct().collect(Collectors.toList());
  private static final String POSIX = "(no locale)";
  private static final String UTF8_LOCALE = "C.UTF-8";

  @RealPushgateway
  static Pushgateway gateway;

  @TempDir
  Path dir;

  static Stream<Arguments> jvmsAndLocales() {
    return JVMS.stream().flatMap(jvm -> Stream.of(Arguments.of(jvm, POSIX), Arguments.of(jvm, UTF8_LOCALE)));
  }

  static Stream<Arguments> jvms() {
    return JVMS.stream().map(Arguments::of);
  }

  /** Arguments no charset round trip keeps whole: not UTF-8, every byte, shell and printf syntax, line breaks. */
  private static List<byte[]> hostileArguments() {
    byte[] everyByte = new byte[255];
    for (int i = 0; i < everyByte.length; i++) {
      everyByte[i] = (byte) (i + 1);
    }
    return List.of(utf8("café"), bytes(0x61, 0xff, 0x62), bytes(0xc3), utf8("back\\slash \\0101 \\c %s %b"),
        utf8("trailing line breaks\n\n"), utf8(""), utf8("-n"), utf8("*"), utf8("'$(touch x)' \"`id`\""),
        everyByte);
  }

  /** Arguments that are UTF-8 text: under a UTF-8 locale Java could pass them on itself. */
  private static List<byte[]> utf8Arguments() {
    return List.of(utf8("café"), utf8("Ünïcödé ✓"), utf8("plain"), utf8(""), utf8("two\nlines"));
  }

  @ParameterizedTest(name = "{0}, {1}")
  @MethodSource("jvmsAndLocales")
  void argumentsThatAreNotUtf8OrNotAsciiReachTheCommandByteForByte(String javaHome, String locale)
      throws IOException {
    assertTheCommandGetsExactly(hostileArguments(), javaHome, locale);
  }

  @ParameterizedTest(name = "{0}, {1}")
  @MethodSource("jvmsAndLocales")
  void utf8ArgumentsReachTheCommandByteForByte(String javaHome, String locale) throws IOException {
    assertTheCommandGetsExactly(utf8Arguments(), javaHome, locale);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jvms")
  void findWithANonAsciiPatternDeletesOnlyTheFilesItNamesUnderCronsLocale(String javaHome) throws IOException {
    Path files = Files.createDirectory(dir.resolve("files"));
    for (String name : List.of("café.log", "cafeteria.log", "cafxx.log")) {
      Files.writeString(files.resolve(name), name);
    }

    Launch.Result r = cron(javaHome, POSIX, List.of(utf8("run"), utf8("--job"), utf8("cleanup"), utf8("--"),
        utf8("find"), utf8(files.toString()), utf8("-name"), utf8("café*"), utf8("-delete"))).run();

    assertThat(r.exitCode()).as(r.stderr()).isZero();
    try (Stream<Path> left = Files.list(files)) {
      assertThat(left.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("cafeteria.log", "cafxx.log");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jvms")
  void aUtf8JobNameAndLabelValueReachTheGatewayAsThemselvesUnderCronsLocale(String javaHome) {
    String job = "café_" + JVMS.indexOf(javaHome);

    Launch.Result r = cron(javaHome, POSIX, List.of(utf8("run"), utf8("--job"), utf8(job), utf8("--label"),
        utf8("place=Zürich ☕"), utf8("--"), utf8("true"))).run();

    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(r.stderr()).isEmpty();
    assertThat(gateway.value(job, Map.of("place", "Zürich ☕"), "batch_job_exit_code")).isEqualTo(0.0);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jvms")
  void aMissingCommandWithArgumentsJavaCannotPassOnExits127AsAlways(String javaHome) {
    Launch.Result r = cron(javaHome, POSIX, List.of(utf8("run"), utf8("--job"), utf8("missing_job"), utf8("--"),
        utf8("no-such-command-batchpush-test"), utf8("café"))).run();

    assertThat(r.exitCode()).isEqualTo(127);
    assertThat(r.stderr()).isEqualTo(
        "batchpush: cannot run 'no-such-command-batchpush-test': No such file or directory\n");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jvms")
  void aCommandThatIsNotExecutableWithArgumentsJavaCannotPassOnExits126AsAlways(String javaHome) {
    Launch.Result r = cron(javaHome, POSIX, List.of(utf8("run"), utf8("--job"), utf8("noexec_job"), utf8("--"),
        utf8(dir.toString()), utf8("café"))).run();

    assertThat(r.exitCode()).isEqualTo(126);
    assertThat(r.stderr()).isEqualTo("batchpush: cannot run '" + dir + "': Permission denied\n");
  }

  /**
   * Runs {@code sh -c 'write my argv and environment' sh ARGS...} under batchpush, with a password in the
   * environment and a variable that is not UTF-8, and compares what COMMAND got with what it was given.
   */
  private void assertTheCommandGetsExactly(List<byte[]> args, String javaHome, String locale) throws IOException {
    Path argv = dir.resolve("argv");
    Path env = dir.resolve("env");
    Path batchpushEnv = dir.resolve("batchpush-env");
    String script = "cat /proc/$$/cmdline > " + argv + "; cat /proc/$$/environ > " + env
        + "; cat /proc/$PPID/environ > " + batchpushEnv;
    List<byte[]> command = new ArrayList<>(List.of(utf8("sh"), utf8("-c"), utf8(script), utf8("sh")));
    command.addAll(args);
    List<byte[]> line = new ArrayList<>(List.of(utf8("run"), utf8("--job"), utf8("argv_job"), utf8("--")));
    line.addAll(command);

    Launch.Result r = cron(javaHome, locale, line).env("BATCHPUSH_USERNAME", "ops")
        .env("BATCHPUSH_PASSWORD", "pw-s3cret-3").export("NOT_UTF8", bytes(0x61, 0xff, 0xfe)).run();

    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(r.stderr()).isEmpty();
    assertThat(Files.readAllBytes(argv)).isEqualTo(cmdline(command));
    List<String> inherited = entries(Files.readAllBytes(batchpushEnv));
    inherited.remove("BATCHPUSH_PASSWORD=pw-s3cret-3");
    assertThat(entries(Files.readAllBytes(env))).containsExactlyInAnyOrderElementsOf(inherited)
        .contains(new String(bytes('N', 'O', 'T', '_', 'U', 'T', 'F', '8', '=', 0x61, 0xff, 0xfe), ISO_8859_1))
        .contains("BATCHPUSH_USERNAME=ops").noneMatch(e -> e.contains("s3cret"));
    if (!locale.equals(POSIX)) {
      assertThat(entries(Files.readAllBytes(env))).contains("LANG=" + locale, "LC_ALL=" + locale);
    }
  }

  /** batchpush as cron starts it: a nearly empty environment, with or without a locale. */
  private Launch cron(String javaHome, String locale, List<byte[]> args) {
    Launch launch = Launch.batchpush(args).clearEnvironment().env("PATH", "/usr/bin:/bin").env("JAVA_HOME", javaHome)
        .env("BATCHPUSH_GATEWAY", gateway.uri().toString())
        .env("BATCHPUSH_SPOOL_DIR", dir.resolve("spool").toString());
    if (!locale.equals(POSIX)) {
      launch.env("LANG", locale).env("LC_ALL", locale);
    }
    return launch;
  }

  /** What /proc shows as a process's argv: every argument NUL-terminated. */
  private static byte[] cmdline(List<byte[]> argv) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] arg : argv) {
      out.writeBytes(arg);
      out.write(0);
    }
    return out.toByteArray();
  }

  /** The NUL-terminated entries of an environ file, one char per byte so that any bytes compare exactly. */
  private static List<String> entries(byte[] environ) {
    List<String> entries = new ArrayList<>(Arrays.asList(new String(environ, ISO_8859_1).split("\0")));
    entries.removeIf(String::isEmpty);
    return entries;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(UTF_8);
  }

  private static byte[] bytes(int... values) {
    byte[] bytes = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      bytes[i] = (byte) values[i];
    }
    return bytes;
  }
}
