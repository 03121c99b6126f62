package io.murmuration.hook;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The rules for values that come from a webhook payload (or a stored job) before they reach a
 * command line, a file path or the job store. Git reads an argument that starts with {@code -} as
 * an option ({@code --upload-pack=<command>} runs the command), a path with {@code ..} leaves its
 * folder, and a value longer than its column makes the store fail: so each value is checked against
 * a strict form and refused otherwise, never repaired.
 *
 * <p>The intake checks every value before it stores a job (a refused one is answered 400 with the
 * message); the pipeline checks them again where they meet git and the file system, in case a job
 * came from elsewhere. Each method returns the value, or throws {@link Invalid} whose message is
 * one line: the field, what is wrong, and what is accepted. The value itself is never quoted: it
 * may be megabytes long or hold a newline.
 */
public final class PayloadValues {
  /** The longest branch name accepted; the store's columns hold more. */
  public static final int BRANCH_MAX = 255;

  /** The longest clone URL accepted: the store's {@code clone_url} column. */
  public static final int URL_MAX = 1000;

  /** The longest delivery id accepted: the store's {@code delivery_id} column. */
  public static final int DELIVERY_MAX = 100;

  private static final Pattern SHA = Pattern.compile("[0-9a-fA-F]{40}");
  private static final Pattern BRANCH_CHARS = Pattern.compile("[\\p{L}\\p{N}._/+=@#-]+");
  private static final Pattern REPO =
      Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,38}/[A-Za-z0-9._-]{1,100}");
  private static final Pattern LOGIN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,38}(\\[bot])?");
  private static final Pattern DELIVERY = Pattern.compile("[A-Za-z0-9._-]{1," + DELIVERY_MAX + "}");
  private static final Pattern URL_CHARS = Pattern.compile("[A-Za-z0-9._~:/@%+=-]+");

  private PayloadValues() {}

  /** A value that breaks its rule; the message is one line naming the field. */
  public static final class Invalid extends IllegalArgumentException {
    Invalid(String field, String problem) {
      super(field + ": " + problem);
    }
  }

  /** A commit id: exactly 40 hex digits. */
  public static String sha(String field, String value) {
    if (!SHA.matcher(value).matches()) {
      throw new Invalid(field, "not a commit id (40 hex digits)");
    }
    return value;
  }

  /**
   * A branch name as {@code git check-ref-format --branch} accepts it, and stricter: letters,
   * digits and {@code . _ - / + = @ #} only (no space, quote, {@code $ ; ` ( ) ~ ^ : ? * [ \}), at
   * most {@value #BRANCH_MAX} characters, no leading {@code -}, no {@code ..}, no empty component,
   * no component that starts with {@code .} or ends with {@code .lock}, no trailing {@code .}.
   */
  public static String branch(String field, String value) {
    String problem = null;
    if (value.isEmpty() || value.length() > BRANCH_MAX) {
      problem = "must have 1 to " + BRANCH_MAX + " characters";
    } else if (!BRANCH_CHARS.matcher(value).matches()) {
      problem = "has a character other than letters, digits and . _ - / + = @ #";
    } else if (value.startsWith("-")) {
      problem = "starts with '-'";
    } else if (value.contains("..")) {
      problem = "contains '..'";
    } else if (value.equals("@") || value.endsWith(".")) {
      problem = "is '@' or ends with '.'";
    } else if (value.startsWith("/") || value.endsWith("/") || value.contains("//")) {
      problem = "has an empty path component";
    } else {
      for (String component : value.split("/")) {
        if (component.startsWith(".") || component.endsWith(".lock")) {
          problem = "has a component that starts with '.' or ends with '.lock'";
        }
      }
    }
    if (problem != null) {
      throw new Invalid(field, "not a branch name git accepts here: " + problem);
    }
    return value;
  }

  /**
   * A repository's {@code owner/name}: an owner of up to 39 letters, digits, {@code -} and {@code
   * _} (not first), a name of up to 100 letters, digits, {@code .}, {@code -} and {@code _}, not
   * {@code .} or {@code ..}.
   */
  public static String repo(String field, String value) {
    if (!REPO.matcher(value).matches() || value.endsWith("/.") || value.endsWith("/..")) {
      throw new Invalid(
          field,
          "not a repository owner/name (letters, digits, '-' and '_', and '.' in the name;"
              + " at most 39 + 100 characters)");
    }
    return value;
  }

  /**
   * A GitHub login: up to 39 letters, digits, {@code -} and {@code _}, or a bot's {@code [bot]}.
   */
  public static String login(String field, String value) {
    if (!LOGIN.matcher(value).matches()) {
      throw new Invalid(
          field, "not a GitHub login (letters, digits, '-' and '_', at most 39 characters)");
    }
    return value;
  }

  /** GitHub's {@code X-GitHub-Delivery}: a GUID; up to 100 letters, digits, {@code . _ -}. */
  public static String deliveryId(String field, String value) {
    if (value == null || !DELIVERY.matcher(value).matches()) {
      throw new Invalid(
          field,
          "missing or not a delivery id (1 to "
              + DELIVERY_MAX
              + " letters, digits, '.', '-', '_')");
    }
    return value;
  }

  /**
   * A repository URL git may be given, wherever it came from: at most {@value #URL_MAX} characters
   * of letters, digits and {@code . _ ~ : / @ % + = -}, not starting with {@code -}, no {@code
   * <transport>::} helper (git's {@code ext::} runs commands), no {@code ..} path segment.
   */
  public static String gitUrl(String field, String value) {
    String problem = null;
    if (value.isEmpty() || value.length() > URL_MAX) {
      problem = "must have 1 to " + URL_MAX + " characters";
    } else if (!URL_CHARS.matcher(value).matches()) {
      problem = "has a character other than letters, digits and . _ ~ : / @ % + = -";
    } else if (value.startsWith("-")) {
      problem = "starts with '-'";
    } else if (value.contains("::")) {
      problem = "names a git transport helper ('::')";
    } else if (("/" + value + "/").contains("/../")) {
      problem = "has a '..' path segment";
    }
    if (problem != null) {
      throw new Invalid(field, "not a repository URL: " + problem);
    }
    return value;
  }

  /**
   * A clone URL the service fetches from: a {@link #gitUrl} that is a plain {@code https://} URL (a
   * host, no user, query or fragment), or that starts with one of {@code prefixes} (the operator's
   * {@code clone-url-prefixes}: local mirrors, test repositories).
   */
  public static String cloneUrl(String field, String value, List<String> prefixes) {
    gitUrl(field, value);
    if (plainHttps(value) || prefixes.stream().anyMatch(value::startsWith)) {
      return value;
    }
    throw new Invalid(
        field,
        "neither an https:// URL nor under one of clone-url-prefixes: a mirror you trust goes"
            + " into clone-url-prefixes in hook.conf");
  }

  private static boolean plainHttps(String value) {
    try {
      URI uri = new URI(value);
      return "https".equals(uri.getScheme())
          && uri.getHost() != null
          && uri.getRawUserInfo() == null
          && uri.getRawQuery() == null
          && uri.getRawFragment() == null;
    } catch (URISyntaxException e) {
      return false;
    }
  }
}
