package io.github.batchpush;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.function.Function;

/**
 * How batchpush authenticates to the gateway: not at all, with basic auth, or with a bearer token. Built once by
 * {@link #resolve}, which holds the precedence rules of every face: a password file wins over a password, a token
 * file over a token, and the two schemes together are refused. {@link #toString()} never shows a secret.
 */
final class Credentials {
  static final Credentials NONE = new Credentials(BatchPush.Authentication.NONE, null, null);

  private final BatchPush.Authentication scheme;
  private final String username;
  private final String secret;

  private Credentials(BatchPush.Authentication scheme, String username, String secret) {
    this.scheme = scheme;
    this.username = username;
    this.secret = secret;
  }

  static Credentials basic(String username, String password) {
    return new Credentials(BatchPush.Authentication.BASIC, Secrets.check(username, "username"),
        Secrets.check(password, "password"));
  }

  static Credentials bearer(String token) {
    return new Credentials(BatchPush.Authentication.BEARER, null, Secrets.check(token, "bearer token"));
  }

  /** What a builder was given, before any file is read. */
  record Sources(String username, String password, Path passwordFile, String bearerToken, Path bearerTokenFile) {}

  /**
   * The credentials {@code given} amounts to, reading secret files; {@code key} names each setting as the face
   * the user configured it through calls it, and {@code givenAs} the key a setting was given through, or null.
   *
   * @throws IllegalArgumentException naming both keys when settings conflict or one is missing, and the file (never
   *     a secret) when one cannot be read
   */
  static Credentials resolve(Sources given, Function<Setting, String> key, Function<Setting, String> givenAs) {
    boolean basic = given.username() != null;
    boolean password = given.password() != null || given.passwordFile() != null;
    boolean bearer = given.bearerToken() != null || given.bearerTokenFile() != null;
    Setting passwordKey = given.passwordFile() != null ? Setting.PASSWORD_FILE : Setting.PASSWORD;
    Setting bearerKey = given.bearerTokenFile() != null ? Setting.BEARER_TOKEN_FILE : Setting.BEARER_TOKEN;
    if (basic && bearer) {
      throw new IllegalArgumentException(key.apply(Setting.USERNAME) + " and " + key.apply(bearerKey)
          + " are both set: use basic auth or a bearer token, not both");
    }
    if (basic && !password) {
      throw new IllegalArgumentException(key.apply(Setting.USERNAME) + " needs a password: set "
          + key.apply(Setting.PASSWORD_FILE) + " or " + key.apply(Setting.PASSWORD));
    }
    if (password && !basic) {
      throw new IllegalArgumentException(key.apply(passwordKey) + " needs a user: set " + key.apply(Setting.USERNAME));
    }
    if (basic) {
      return basic(given.username(), given.passwordFile() != null
          ? Secrets.read(given.passwordFile(), "password file", givenAs.apply(Setting.PASSWORD_FILE))
          : given.password());
    }
    if (bearer) {
      return bearer(given.bearerTokenFile() != null
          ? Secrets.read(given.bearerTokenFile(), "bearer token file",
          givenAs.apply(Setting.BEARER_TOKEN_FILE)) : given.bearerToken());
    }
    return NONE;
  }

  BatchPush.Authentication scheme() {
    return scheme;
  }

  /** The basic-auth user, or null. */
  String username() {
    return username;
  }

  /** The password or the token, for a builder's changed copy; never for a message. */
  String secret() {
    return secret;
  }

  /** The {@code Authorization} header's value, or null without credentials. */
  String authorization() {
    switch (scheme) {
      case BEARER:
        return "Bearer " + secret;
      case BASIC:
        return "Basic " + Base64.getEncoder().encodeToString((username + ":" + secret)
            .getBytes(StandardCharsets.UTF_8));
      default:
        return null;
    }
  }

  @Override
  public String toString() {
    return scheme.name().toLowerCase(java.util.Locale.ROOT);
  }
}
