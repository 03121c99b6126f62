package io.murmuration.hook.github;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GitHubAuthTest {
  @TempDir Path dir;

  @Test
  void readsPkcs1AndPkcs8KeysAsTheSameRsaKey() throws Exception {
    KeyPair keys = TestKeys.rsa();

    PrivateKey fromPkcs1 = GitHubAuth.readRsaKey(TestKeys.writePkcs1(keys, dir.resolve("a.pem")));
    PrivateKey fromPkcs8 = GitHubAuth.readRsaKey(TestKeys.writePkcs8(keys, dir.resolve("b.pem")));

    assertEquals(keys.getPrivate(), fromPkcs1);
    assertEquals(keys.getPrivate(), fromPkcs8);
  }

  @Test
  void anUnreadableKeyFileIsOneClearLine() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> GitHubAuth.app(null, "12345", dir.resolve("missing.pem")));
    assertEquals(
        "cannot read the GitHub App private key file "
            + dir.resolve("missing.pem")
            + ": NoSuchFileException",
        e.getMessage());
  }

  @Test
  void aKeyThatIsNotRsaIsRefused() throws Exception {
    KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
    ec.initialize(256);
    Path pkcs8Ec =
        TestKeys.writePem(
            "PRIVATE KEY", ec.generateKeyPair().getPrivate().getEncoded(), dir.resolve("ec.pem"));
    Path sec1Ec = TestKeys.writePem("EC PRIVATE KEY", new byte[] {1, 2, 3}, dir.resolve("ec1.pem"));
    Path notPem = Files.writeString(dir.resolve("x.pem"), "ssh-rsa AAAA user@host\n");

    assertEquals(
        pkcs8Ec + " holds a private key that is not an RSA key: a GitHub App key is RSA",
        assertThrows(IllegalArgumentException.class, () -> GitHubAuth.app(null, "1", pkcs8Ec))
            .getMessage());
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> GitHubAuth.app(null, "1", sec1Ec))
            .getMessage()
            .contains("holds a 'EC PRIVATE KEY', not an RSA private key"));
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> GitHubAuth.app(null, "1", notPem))
            .getMessage()
            .contains("is not a PEM private key"));
  }

  @Test
  void aKeyWithoutAppIdIsRefusedAndSoIsAnAppIdWithoutKey() throws Exception {
    Path key = TestKeys.writePkcs1(TestKeys.rsa(), dir.resolve("app.pem"));

    IllegalArgumentException noId =
        assertThrows(
            IllegalArgumentException.class,
            () -> GitHubAuth.fromEnv(Map.of("MURM_GITHUB_APP_KEY_FILE", key.toString())));
    IllegalArgumentException noKey =
        assertThrows(
            IllegalArgumentException.class,
            () -> GitHubAuth.fromEnv(Map.of("MURM_GITHUB_APP_ID", "12345")));

    assertTrue(
        noId.getMessage().contains("needs its app id (MURM_GITHUB_APP_ID)"), noId.getMessage());
    assertTrue(noKey.getMessage().contains("MURM_GITHUB_APP_KEY_FILE is not"), noKey.getMessage());
  }

  @Test
  void fromEnvPrefersTheAppThenTheTokenFileThenTheToken() throws Exception {
    Path key = TestKeys.writePkcs8(TestKeys.rsa(), dir.resolve("app.pem"));
    Path tokenFile = Files.writeString(dir.resolve("token"), "ghp_fromfile\n");

    GitHubAuth app =
        GitHubAuth.fromEnv(
                Map.of(
                    "MURM_GITHUB_APP_ID", "12345",
                    "MURM_GITHUB_APP_KEY_FILE", key.toString(),
                    "MURM_GITHUB_TOKEN", "ghp_ignored",
                    "MURM_GITHUB_API_URL", "https://ghe.example/api/v3/"))
            .orElseThrow();
    GitHubAuth fromFile =
        GitHubAuth.fromEnv(
                Map.of("MURM_GITHUB_TOKEN_FILE", tokenFile.toString(), "MURM_GITHUB_TOKEN", "x"))
            .orElseThrow();

    assertTrue(app.isApp());
    assertEquals(URI.create("https://ghe.example/api/v3"), app.apiUrl());
    assertFalse(fromFile.isApp());
    assertEquals("*** and ***", fromFile.redact("ghp_fromfile and ghp_fromfile"));
    assertEquals(GitHubAuth.DEFAULT_API_URL, fromFile.apiUrl());
    assertTrue(GitHubAuth.fromEnv(Map.of()).isEmpty());
  }

  @Test
  void toStringNamesWhereSecretsComeFromNeverTheSecrets() throws Exception {
    Path key = TestKeys.writePkcs1(TestKeys.rsa(), dir.resolve("app.pem"));
    String pem = Files.readString(key);
    String keyBody = pem.lines().skip(1).findFirst().orElseThrow();

    GitHubAuth app = GitHubAuth.app(null, "12345", key);
    GitHubAuth token = GitHubAuth.fromEnv(Map.of("MURM_GITHUB_TOKEN", "ghp_s3cret")).orElseThrow();

    assertEquals(
        "GitHubAuth[https://api.github.com, app 12345 with its app key file " + key + "]",
        app.toString());
    assertFalse(app.toString().contains(keyBody));
    assertEquals(
        "GitHubAuth[https://api.github.com, token from MURM_GITHUB_TOKEN]", token.toString());
  }
}
