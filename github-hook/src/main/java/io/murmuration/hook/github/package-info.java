/**
 * Reporting jobs on GitHub through {@code org.kohsuke:github-api}.
 *
 * <ul>
 *   <li>{@link io.murmuration.hook.github.GitHubAuth} — who the service is on GitHub: a GitHub App
 *       (JWT signed with the App's RSA key, exchanged per installation for an installation token
 *       that is reused until five minutes before it expires) or a plain token. Secrets stay inside
 *       it and are redacted from anything logged.
 *   <li>{@link io.murmuration.hook.github.GitHubReporter} — check run (App) or commit status
 *       (token), the sticky pull-request comment found again by a hidden marker, commit comments
 *       found again by their outbox key; and which of GitHub's refusals are for good.
 *   <li>{@link io.murmuration.hook.github.SummaryMarkdown} — the markdown table of a run's key
 *       numbers from its {@code summary.json}, with links to Grafana and the run report.
 * </ul>
 *
 * <p>Why check runs need an App: GitHub lets only GitHub Apps write check runs; a personal token
 * gets 403. So a token-only setup reports with commit statuses, which have four states and a
 * 140-character description, and an inconclusive run shows as {@code success} with an
 * "inconclusive" title — the same way a {@code neutral} check run counts for branch protection.
 *
 * <p>Why the clients fail fast: github-api by default sleeps until a rate limit resets and its
 * connector has no request timeout; a reporter that waits an hour, or forever, would hold the job
 * worker. Here a limit or a silent GitHub fails the attempt at once; the outbox's sender tries the
 * report again later, and the job worker never waits for GitHub.
 *
 * <p>Tests run against a WireMock fake of the REST API on loopback ({@code MURM_GITHUB_API_URL});
 * GitHub itself is never called by the build.
 */
package io.murmuration.hook.github;
