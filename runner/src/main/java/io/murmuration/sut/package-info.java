/**
 * Servers under test that this JVM starts itself, on loopback: {@link
 * io.murmuration.sut.LocalEjabberd} (the primary SUT, with its HTTP API) and {@link
 * io.murmuration.sut.LocalProsody}, both behind {@link io.murmuration.sut.LocalServer}. The CLI
 * demo and every test that needs a real server use them; no test mocks a server. {@link
 * io.murmuration.sut.LocalEjabberdCluster} runs several ejabberd nodes as one Mnesia cluster, for
 * more sessions than one process's open-files limit allows. {@link io.murmuration.sut.LocalInflux}
 * starts the other real server a run may need, InfluxDB, the same way (Debian package, generated
 * config, loopback ports), for {@code murm influx start} and tests.
 *
 * <h2>What a start does</h2>
 *
 * <ol>
 *   <li>Makes sure the Debian package is installed ({@link io.murmuration.sut.DebianPackages}): as
 *       root it installs it with apt-get, otherwise it fails with the one command to run.
 *   <li>Picks free loopback ports and writes a generated config, a self-signed certificate
 *       (openssl) and, for ejabberd, an {@code ejabberdctl.cfg} into a folder: a given one, kept,
 *       or a fresh temp folder removed at close.
 *   <li>As root, gives the folder to the service user and starts the server as that user with
 *       {@code setpriv} (never {@code su}, whose pam_limits drop the open-files limit to 1,024);
 *       otherwise starts it as the current user.
 *   <li>Waits until the c2s port serves a stream for the domain (and ejabberd's HTTP API answers
 *       {@code status}); on failure or timeout it kills the server and throws with the tail of its
 *       log.
 * </ol>
 *
 * <h2>Settings that matter for load</h2>
 *
 * The generated configs remove what would throttle a load test rather than the server: ejabberd's
 * default c2s shaper (1,000 B/s per connection), listener backlogs of 5, per-IP registration
 * throttles, hashed password storage (which makes every SASL PLAIN login cost thousands of HMAC
 * rounds), Erlang's port and process limits. Offline storage stays on, so a message to an offline
 * user arrives at its next login marked delayed; use fresh user ids per test or run.
 *
 * <h2>Stopping</h2>
 *
 * {@code close()} sends SIGTERM to the server process (the Erlang VM or Lua interpreter, from its
 * pid file, not the launcher script), waits a few seconds, then SIGKILLs what lingers. {@code
 * kill()} sends SIGKILL at once, to simulate a crash. Every started server is also stopped by a JVM
 * shutdown hook, so Ctrl-C leaves none behind; a JVM killed with SIGKILL does leave its servers
 * running.
 */
package io.murmuration.sut;
