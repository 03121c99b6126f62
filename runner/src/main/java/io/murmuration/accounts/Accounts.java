package io.murmuration.accounts;

import io.murmuration.xmpp.Account;
import java.net.URI;
import java.util.Locale;

/**
 * Where the simulated users' accounts come from, and their names.
 *
 * @param mode how accounts come to exist on the server
 * @param usernamePattern user names, with {@code {id}} standing for the user id ({@code user_{id}})
 * @param passwordPattern passwords, likewise ({@code password_{id}})
 * @param httpApi base URL of the ejabberd HTTP API ({@code http://127.0.0.1:5280/api}), for {@link
 *     Mode#HTTP_API} only
 */
public record Accounts(Mode mode, String usernamePattern, String passwordPattern, URI httpApi) {

  public enum Mode {
    /** The accounts exist already on the server. */
    EXISTING,
    /** Each user registers itself in-band (XEP-0077) right before it logs in. */
    REGISTER,
    /** All accounts are created through the ejabberd HTTP API before the first user starts. */
    HTTP_API,
    /**
     * The scenario registers its users itself ({@code User.register}, as the {@code registration}
     * scenario does): nothing creates accounts before the run, and the preflight logs nobody in.
     */
    SCENARIO;

    /**
     * The mode for a parameter value: {@code existing}, {@code register}, {@code http-api} or
     * {@code scenario}.
     */
    public static Mode parse(String value) {
      try {
        return valueOf(value.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "unknown accounts mode '" + value + "': use existing, register, http-api or scenario");
      }
    }

    public String label() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  public Accounts {
    if (!usernamePattern.contains("{id}")) {
      throw new IllegalArgumentException(
          "username pattern '" + usernamePattern + "' lacks {id}: every user needs its own name");
    }
    if (mode == Mode.HTTP_API && httpApi == null) {
      throw new IllegalArgumentException(
          "accounts mode http-api needs the HTTP API URL: give --http-api http://host:port/api");
    }
  }

  public static Accounts existing(String usernamePattern, String passwordPattern) {
    return new Accounts(Mode.EXISTING, usernamePattern, passwordPattern, null);
  }

  public Account forUser(int userId) {
    String id = Integer.toString(userId);
    return new Account(
        userId, usernamePattern.replace("{id}", id), passwordPattern.replace("{id}", id));
  }
}
