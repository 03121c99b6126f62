package io.murmuration.xmpp;

/**
 * The credentials of one simulated user; {@code userId} also picks its endpoint and source address.
 */
public record Account(int userId, String username, String password) {
  @Override
  public String toString() {
    return "Account[" + userId + ", " + username + "]"; // never print passwords
  }
}
