package io.github.batchpush;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a message may show of the body of a gateway's error answer. Messages go to stderr, logs and cron mail, and the
 * body is not always the gateway's: a proxy in front of it may echo the request, {@code Authorization} header
 * included. So only the first line is shown, at most {@value #MAX_LENGTH} characters, after everything that looks like
 * a credential was replaced by "***": a header such as {@code Authorization: ...}, a {@code Basic}/{@code Bearer}
 * token, and the configured secret itself, wherever it appears.
 *
 * <pre>{@code
 * ErrorBody.summary("denied: Authorization: Basic dTpw\nHost: gw", "Basic dTpw");   // "denied: Authorization: ***"
 * }</pre>
 */
final class ErrorBody {
  static final int MAX_LENGTH = 200;

  /** A credential-bearing header, as a proxy echoes it, in text or JSON: the name, a separator, the value. */
  private static final Pattern HEADER = Pattern.compile(
      "(?i)\\b((?:proxy-)?authorization|cookie|set-cookie|x-api-key|api-key|x-auth-token)(\"?\\s*[:=]\\s*\"?)"
          + "[^\"\\r\\n,;}]*");
  /** An authentication scheme and the word after it, which {@link #looksLikeCredentials} tells apart from prose. */
  private static final Pattern TOKEN = Pattern.compile("(?i)\\b(basic|bearer|digest|token)(\\s+)([\\w.~+/=-]{8,})");

  private ErrorBody() {}

  /**
   * The first line of {@code body}, credentials removed, at most {@value #MAX_LENGTH} characters; {@code authorization}
   * is the {@code Authorization} header batchpush sent, or null, whose secret is removed wherever it appears.
   */
  static String summary(String body, String authorization) {
    String line = firstLine(body);
    for (String secret : secretsOf(authorization)) {
      line = line.replace(secret, "***");
    }
    line = HEADER.matcher(line).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + m.group(2) + "***"));
    line = TOKEN.matcher(line).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + m.group(2)
        + (looksLikeCredentials(m.group(3)) ? "***" : m.group(3))));
    // Cut after redacting: a secret cut in two would no longer be recognised.
    return line.length() <= MAX_LENGTH ? line : line.substring(0, MAX_LENGTH - 3) + "...";
  }

  /**
   * Base64, JWTs and API keys mix digits, capitals inside the word or symbols; the words of a sentence ("basic
   * authentication required") do not.
   */
  private static boolean looksLikeCredentials(String word) {
    for (int i = 0; i < word.length(); i++) {
      char c = word.charAt(i);
      if (Character.isDigit(c) || i > 0 && Character.isUpperCase(c) || "+/=._~-".indexOf(c) >= 0) {
        return true;
      }
    }
    return false;
  }

  private static String firstLine(String body) {
    String text = body == null ? "" : body.strip();
    int end = 0;
    while (end < text.length() && text.charAt(end) != '\n' && text.charAt(end) != '\r') {
      end++;
    }
    StringBuilder line = new StringBuilder(end);
    for (int i = 0; i < end; i++) {
      char c = text.charAt(i);
      line.append(Character.isISOControl(c) ? ' ' : c);
    }
    return line.toString().strip();
  }

  /** The header's value, and for basic auth the password and the user:password it encodes: all secret. */
  private static List<String> secretsOf(String authorization) {
    List<String> secrets = new ArrayList<>();
    if (authorization == null) {
      return secrets;
    }
    int space = authorization.indexOf(' ');
    String credentials = authorization.substring(space + 1);
    secrets.add(credentials);
    if (authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
      try {
        String userAndPassword = new String(Base64.getDecoder().decode(credentials), StandardCharsets.UTF_8);
        secrets.add(userAndPassword);
        secrets.add(userAndPassword.substring(userAndPassword.indexOf(':') + 1));
      } catch (IllegalArgumentException notBase64) {
        // not ours to decode; the header's value is removed all the same
      }
    }
    // Longest first: user:password goes as a whole rather than as user:***.
    secrets.removeIf(String::isEmpty);
    secrets.sort((a, b) -> b.length() - a.length());
    return secrets;
  }
}
