package io.github.batchpush;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The rules for a gateway URL, in one place: how text becomes one, what makes one acceptable, and how one is shown
 * in a message. A URL may carry credentials ({@code http://user:secret@host}) whether or not it parses, so every
 * message shows it {@link #mask masked}, and masking works on the raw text, before any parsing.
 *
 * <pre>{@code
 * GatewayUrl.parse("http://127.0.0.1:9091/");         // http://127.0.0.1:9091
 * GatewayUrl.parse("127.0.0.1:9091");                 // IllegalArgumentException: ... write it with http://
 * GatewayUrl.mask("http://admin:S3CRET@gw_x:9091");   // http://***@gw_x:9091
 * GatewayUrl.mask("http://admin:S3CRET");             // http://admin:*** (a port that is no port)
 * }</pre>
 */
public final class GatewayUrl {
  /**
   * {@code scheme://user-info@}: everything after the scheme up to the last '@' before a query or fragment counts as
   * user info, so that a password holding a raw '/' is masked too (a path with an '@' is masked more than needed).
   */
  private static final Pattern USER_INFO = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*:/*)?[^?#]*@");
  private static final String EXAMPLE = "e.g. " + Defaults.GATEWAY;

  private GatewayUrl() {}

  /**
   * The gateway URL {@code text} denotes, {@link #check checked}.
   *
   * @throws IllegalArgumentException naming the masked text and the fix
   */
  public static URI parse(String text) {
    Objects.requireNonNull(text, "gateway == null");
    String trimmed = text.strip();
    if (trimmed.isEmpty()) {
      throw new IllegalArgumentException("Invalid gateway URL: '' (give one, " + EXAMPLE + ")");
    }
    if (!trimmed.contains("://")) {
      throw new IllegalArgumentException("Invalid gateway URL: '" + mask(trimmed) + "' (no scheme; write it with "
          + "http:// or https://, e.g. http://" + mask(trimmed) + ")");
    }
    URI uri;
    try {
      uri = new URI(trimmed);
    } catch (URISyntaxException e) {
      // getMessage() would quote the input, credentials and all; the reason alone does not (and an index would
      // point into text the message does not show).
      throw new IllegalArgumentException("Invalid gateway URL: '" + mask(trimmed) + "' (" + e.getReason() + "; "
          + EXAMPLE + ")");
    }
    return check(uri);
  }

  /**
   * {@code gateway} as every delivery and spooled run names it, once it is known to be a gateway URL: http or https,
   * a host, a port in 1-65535 if any, no credentials, query or fragment; no trailing '/'.
   */
  static URI check(URI gateway) {
    Objects.requireNonNull(gateway, "gateway == null");
    String scheme = gateway.getScheme() == null ? "" : gateway.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw invalid(gateway, "use http:// or https://, " + EXAMPLE);
    }
    String authority = gateway.getRawAuthority();
    if (gateway.getRawUserInfo() != null || authority != null && authority.contains("@")) {
      throw new IllegalArgumentException("Invalid gateway URL: '" + redacted(gateway) + "' (credentials in the URL "
          + "would end up in logs; remove them and use a username and password: BATCHPUSH_USERNAME, "
          + "BATCHPUSH_PASSWORD)");
    }
    if (gateway.getHost() == null) {
      throw invalid(gateway, "no valid host name (letters, digits, '-' and '.'; no '_'), " + EXAMPLE);
    }
    if (gateway.getPort() == 0 || gateway.getPort() > 65535) {
      throw invalid(gateway, gateway.getPort() > 99_999 ? "the port is outside 1-65535"
          : "port " + gateway.getPort() + " is outside 1-65535");
    }
    if (gateway.getRawQuery() != null || gateway.getRawFragment() != null) {
      throw invalid(gateway, "no query or fragment; a path prefix such as /pgw is fine");
    }
    return URI.create(stripTrailingSlash(gateway.toString()));
  }

  private static IllegalArgumentException invalid(URI gateway, String fix) {
    return new IllegalArgumentException("Invalid gateway URL: '" + redacted(gateway) + "' (" + fix + ")");
  }

  /** {@code url} fit for a message: user info, query and fragment (where tokens hide) replaced by "***". */
  static String redacted(URI url) {
    return mask(url.toString());
  }

  /** {@code text}, which need not be a valid URL, with its user info, query and fragment replaced by "***". */
  public static String mask(String text) {
    String s = USER_INFO.matcher(text).replaceFirst(m -> (m.group(1) == null ? "" : m.group(1)) + "***@");
    s = maskPortThatIsNoPort(s);
    int query = s.indexOf('?');
    int fragment = s.indexOf('#');
    int cut = query >= 0 ? query : fragment;
    return cut >= 0 ? s.substring(0, cut + 1) + "***" : s;
  }

  /**
   * {@code http://admin:S3CRET} (the '@' and host forgotten) or {@code admin:S3CRET} reads as host {@code admin} and
   * port {@code S3CRET}: a "port" that is no port (not digits, or more than 5 of them) is most likely a password, so
   * it is masked with all that follows it.
   */
  private static String maskPortThatIsNoPort(String s) {
    int scheme = s.indexOf("://");
    int start = scheme < 0 ? 0 : scheme + 3;
    int end = start;
    while (end < s.length() && "/?#".indexOf(s.charAt(end)) < 0) {
      end++;
    }
    String authority = s.substring(start, end);
    if (authority.indexOf('@') >= 0) {
      return s; // user info, already masked
    }
    int colon = authority.startsWith("[") ? authority.indexOf("]:") + 1 : authority.indexOf(':');
    if (colon <= 0) {
      return s;
    }
    String port = authority.substring(colon + 1);
    boolean aPort = port.length() <= 5 && port.chars().allMatch(c -> c >= '0' && c <= '9');
    return aPort ? s : s.substring(0, start + colon) + ":***";
  }

  static String stripTrailingSlash(String s) {
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }
}
