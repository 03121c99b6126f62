package io.murmuration.hook.github;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.kohsuke.github.GHAppInstallationToken;
import org.kohsuke.github.GitHub;
import org.kohsuke.github.GitHubAbuseLimitHandler;
import org.kohsuke.github.GitHubBuilder;
import org.kohsuke.github.GitHubRateLimitHandler;
import org.kohsuke.github.connector.GitHubConnector;
import org.kohsuke.github.connector.GitHubConnectorRequest;
import org.kohsuke.github.connector.GitHubConnectorResponse;
import org.kohsuke.github.extras.authorization.JWTTokenProvider;

/**
 * How the service signs in to GitHub's REST API: as a GitHub App (app id and RSA private key; a
 * short-lived installation token is minted per installation and reused until shortly before it
 * expires) or with a plain token (personal or installation token).
 *
 * <p>Secrets come from the environment or from files and stay inside this object: {@link
 * #toString()} names where they came from, never their value, and {@link #redact} blanks them out
 * of any text that is about to be logged.
 *
 * <p>Clients are built with two deliberate differences from github-api's defaults: a rate or abuse
 * limit fails the request instead of sleeping until the limit resets (up to an hour, which would
 * hold up the job worker), and every request has a timeout (github-api's default connector has
 * none, so a GitHub that stops answering would hang the job).
 */
public final class GitHubAuth {
  /** GitHub.com's API; GitHub Enterprise Server is {@code https://HOST/api/v3}. */
  public static final URI DEFAULT_API_URL = URI.create("https://api.github.com");

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

  /** An installation token lives an hour; a new one is minted this long before it expires. */
  private static final Duration TOKEN_MARGIN = Duration.ofMinutes(5);

  private static final Pattern PEM =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*)-----END \\1-----");

  private final URI apiUrl;
  private final String appId;
  private final PrivateKey appKey;
  private final String token;
  private final String secretSource;
  private final HttpClient http =
      HttpClient.newBuilder()
          .connectTimeout(CONNECT_TIMEOUT)
          .followRedirects(HttpClient.Redirect.NEVER)
          .version(HttpClient.Version.HTTP_1_1)
          .build();
  private final Map<Long, Installation> installations = new ConcurrentHashMap<>();
  private volatile GitHub tokenClient;

  /** The current installation token of one installation and a client that uses it. */
  private record Installation(GitHub client, String token, Instant renewAfter) {}

  private GitHubAuth(
      URI apiUrl, String appId, PrivateKey appKey, String token, String secretSource) {
    this.apiUrl = apiUrl == null ? DEFAULT_API_URL : apiUrl;
    this.appId = appId;
    this.appKey = appKey;
    this.token = token;
    this.secretSource = secretSource;
  }

  /**
   * A GitHub App: {@code appId} and its private key from {@code keyFile} (PEM, PKCS#8 {@code BEGIN
   * PRIVATE KEY} or PKCS#1 {@code BEGIN RSA PRIVATE KEY}, the form GitHub hands out).
   *
   * @param apiUrl the API's base URL, or null for {@link #DEFAULT_API_URL}
   * @throws IllegalArgumentException one line saying what is wrong with the id or the key file
   */
  public static GitHubAuth app(URI apiUrl, String appId, Path keyFile) {
    if (appId == null || appId.isBlank()) {
      throw new IllegalArgumentException(
          "a GitHub App needs its app id (MURM_GITHUB_APP_ID) as well as its private key");
    }
    return new GitHubAuth(
        apiUrl, appId.strip(), readRsaKey(keyFile), null, "app key file " + keyFile);
  }

  /**
   * A personal access token or installation token; reports then use commit statuses, as check runs
   * can only be written by a GitHub App.
   *
   * @param source where the token came from, for {@link #toString()} (e.g. {@code
   *     MURM_GITHUB_TOKEN})
   */
  public static GitHubAuth token(URI apiUrl, String token, String source) {
    if (token == null || token.isBlank()) {
      throw new IllegalArgumentException("the GitHub token from " + source + " is empty");
    }
    return new GitHubAuth(apiUrl, null, null, token.strip(), source);
  }

  /**
   * Settings from environment variables: {@code MURM_GITHUB_API_URL} (optional), then either {@code
   * MURM_GITHUB_APP_ID} and {@code MURM_GITHUB_APP_KEY_FILE}, or {@code MURM_GITHUB_TOKEN} or
   * {@code MURM_GITHUB_TOKEN_FILE}. An App wins when both are set. Empty when none is set.
   *
   * @throws IllegalArgumentException one line saying what is missing or unreadable
   */
  public static Optional<GitHubAuth> fromEnv(Map<String, String> env) {
    URI api = null;
    String apiText = blankToNull(env.get("MURM_GITHUB_API_URL"));
    if (apiText != null) {
      api = URI.create(apiText.strip().replaceAll("/+$", ""));
      if (api.getHost() == null || !api.getScheme().matches("https?")) {
        throw new IllegalArgumentException(
            "MURM_GITHUB_API_URL must look like https://api.github.com, not '" + apiText + "'");
      }
    }
    String appId = blankToNull(env.get("MURM_GITHUB_APP_ID"));
    String keyFile = blankToNull(env.get("MURM_GITHUB_APP_KEY_FILE"));
    if (appId != null || keyFile != null) {
      if (keyFile == null) {
        throw new IllegalArgumentException(
            "MURM_GITHUB_APP_ID is set but MURM_GITHUB_APP_KEY_FILE is not: a GitHub App needs"
                + " the path of its private key (PEM)");
      }
      return Optional.of(app(api, appId, Path.of(keyFile)));
    }
    String tokenFile = blankToNull(env.get("MURM_GITHUB_TOKEN_FILE"));
    if (tokenFile != null) {
      try {
        return Optional.of(
            token(api, Files.readString(Path.of(tokenFile)), "token file " + tokenFile));
      } catch (IOException e) {
        throw new IllegalArgumentException(
            "cannot read the GitHub token file " + tokenFile + ": " + e.getClass().getSimpleName());
      }
    }
    String token = blankToNull(env.get("MURM_GITHUB_TOKEN"));
    return token == null ? Optional.empty() : Optional.of(token(api, token, "MURM_GITHUB_TOKEN"));
  }

  /** Whether this is a GitHub App (check runs) rather than a token (commit statuses). */
  public boolean isApp() {
    return appId != null;
  }

  public URI apiUrl() {
    return apiUrl;
  }

  /**
   * A client acting for {@code installationId} (an App; minted or reused installation token), or
   * for the token (then {@code installationId} is ignored).
   *
   * @throws IOException GitHub refused the JWT or the installation, or could not be reached
   */
  GitHub client(Long installationId) throws IOException {
    if (!isApp()) {
      GitHub client = tokenClient;
      if (client == null) {
        client = builder().withOAuthToken(token).build();
        tokenClient = client;
      }
      return client;
    }
    if (installationId == null) {
      throw new IOException("the job names no GitHub App installation, so no token can be minted");
    }
    Installation current = installations.get(installationId);
    if (current != null && Instant.now().isBefore(current.renewAfter())) {
      return current.client();
    }
    GitHub asApp = builder().withAuthorizationProvider(new JWTTokenProvider(appId, appKey)).build();
    GHAppInstallationToken minted =
        asApp.getApp().getInstallationById(installationId).createToken().create();
    Instant expires =
        minted.getExpiresAt() == null
            ? Instant.now().plus(Duration.ofMinutes(30))
            : minted.getExpiresAt().toInstant();
    GitHub client = builder().withAppInstallationToken(minted.getToken()).build();
    installations.put(
        installationId, new Installation(client, minted.getToken(), expires.minus(TOKEN_MARGIN)));
    return client;
  }

  /**
   * A token that may fetch the repositories of {@code installationId} over HTTPS: the installation
   * token (minted or reused) for an App, else the configured token.
   *
   * @throws IOException GitHub refused the JWT or the installation, or could not be reached
   */
  public String repositoryToken(Long installationId) throws IOException {
    if (!isApp()) {
      return token;
    }
    client(installationId);
    return installations.get(installationId).token();
  }

  /**
   * {@code text} with every secret this object holds (the token, the current installation tokens)
   * replaced by {@code ***}.
   */
  public String redact(String text) {
    if (text == null) {
      return null;
    }
    String out = token == null ? text : text.replace(token, "***");
    for (Installation i : installations.values()) {
      out = out.replace(i.token(), "***");
    }
    return out;
  }

  @Override
  public String toString() {
    return "GitHubAuth["
        + apiUrl
        + (isApp() ? ", app " + appId + " with its " : ", token from ")
        + secretSource
        + "]";
  }

  private GitHubBuilder builder() {
    return new GitHubBuilder()
        .withEndpoint(apiUrl.toString())
        .withConnector(new TimeoutConnector(http))
        .withRateLimitHandler(GitHubRateLimitHandler.FAIL)
        .withAbuseLimitHandler(GitHubAbuseLimitHandler.FAIL);
  }

  /**
   * Reads an RSA private key from a PEM file; PKCS#1 is wrapped into PKCS#8, the only form the
   * JDK's {@code KeyFactory} reads.
   */
  static PrivateKey readRsaKey(Path keyFile) {
    String pem;
    try {
      pem = Files.readString(keyFile, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot read the GitHub App private key file "
              + keyFile
              + ": "
              + e.getClass().getSimpleName());
    }
    Matcher m = PEM.matcher(pem);
    if (!m.find()) {
      throw new IllegalArgumentException(
          keyFile + " is not a PEM private key (expected -----BEGIN RSA PRIVATE KEY-----)");
    }
    String type = m.group(1);
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(m.group(2));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(keyFile + " holds a PEM block that is not valid base64");
    }
    byte[] pkcs8 =
        switch (type) {
          case "RSA PRIVATE KEY" -> pkcs1ToPkcs8(der);
          case "PRIVATE KEY" -> der;
          default ->
              throw new IllegalArgumentException(
                  keyFile
                      + " holds a '"
                      + type
                      + "', not an RSA private key: a GitHub App key is an unencrypted RSA key"
                      + " (BEGIN RSA PRIVATE KEY or BEGIN PRIVATE KEY)");
        };
    try {
      return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(
          keyFile + " holds a private key that is not an RSA key: a GitHub App key is RSA");
    }
  }

  /** PKCS#8 PrivateKeyInfo {version 0, rsaEncryption with NULL parameters, OCTET STRING pkcs1}. */
  static byte[] pkcs1ToPkcs8(byte[] pkcs1) {
    byte[] algorithm = {
      0x30,
      0x0d,
      0x06,
      0x09,
      0x2a,
      (byte) 0x86,
      0x48,
      (byte) 0x86,
      (byte) 0xf7,
      0x0d,
      0x01,
      0x01,
      0x01,
      0x05,
      0x00
    };
    byte[] version = {0x02, 0x01, 0x00};
    byte[] octets = der(0x04, pkcs1);
    byte[] body = new byte[version.length + algorithm.length + octets.length];
    System.arraycopy(version, 0, body, 0, version.length);
    System.arraycopy(algorithm, 0, body, version.length, algorithm.length);
    System.arraycopy(octets, 0, body, version.length + algorithm.length, octets.length);
    return der(0x30, body);
  }

  private static byte[] der(int tag, byte[] content) {
    int n = content.length;
    byte[] length =
        n < 0x80
            ? new byte[] {(byte) n}
            : n < 0x100
                ? new byte[] {(byte) 0x81, (byte) n}
                : n < 0x10000
                    ? new byte[] {(byte) 0x82, (byte) (n >> 8), (byte) n}
                    : new byte[] {(byte) 0x83, (byte) (n >> 16), (byte) (n >> 8), (byte) n};
    byte[] out = new byte[1 + length.length + n];
    out[0] = (byte) tag;
    System.arraycopy(length, 0, out, 1, length.length);
    System.arraycopy(content, 0, out, 1 + length.length, n);
    return out;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  /**
   * github-api's {@code HttpClientGitHubConnector} with a timeout on each request and HTTP/1.1 (its
   * default client has no request timeout).
   */
  private record TimeoutConnector(HttpClient http) implements GitHubConnector {
    @Override
    public GitHubConnectorResponse send(GitHubConnectorRequest request) throws IOException {
      HttpRequest.Builder b = HttpRequest.newBuilder().timeout(REQUEST_TIMEOUT);
      try {
        b.uri(request.url().toURI());
      } catch (URISyntaxException e) {
        throw new IOException("invalid URL " + request.url(), e);
      }
      for (Map.Entry<String, List<String>> h : request.allHeaders().entrySet()) {
        if (h.getValue() != null) {
          b.header(h.getKey(), String.join(", ", h.getValue()));
        }
      }
      b.method(
          request.method(),
          request.hasBody()
              ? HttpRequest.BodyPublishers.ofByteArray(request.body().readAllBytes())
              : HttpRequest.BodyPublishers.noBody());
      try {
        HttpResponse<byte[]> response =
            http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        return new GitHubConnectorResponse.ByteArrayResponse(
            request, response.statusCode(), response.headers().map()) {
          @Override
          protected InputStream rawBodyStream() {
            return new ByteArrayInputStream(response.body());
          }
        };
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw (InterruptedIOException) new InterruptedIOException(e.getMessage()).initCause(e);
      }
    }
  }
}
