/**
 * The HTTP intake: {@link io.murmuration.hook.intake.WebhookServer} answers GitHub's {@code POST
 * /webhook}, and {@code EventRouter} decides what each event means for the job store. The same
 * server serves the read-only status page ({@code StatusPage}, {@code StatusHtml}) on every other
 * path.
 *
 * <h2>Events</h2>
 *
 * <table>
 *   <caption>What each delivery does</caption>
 *   <tr><th>event, action</th><th>effect</th><th>answer</th></tr>
 *   <tr><td>{@code ping}</td><td>none</td><td>200</td></tr>
 *   <tr><td>{@code push} to {@code refs/heads/<default branch>}</td><td>a trend run of the merged
 *       build</td><td>202</td></tr>
 *   <tr><td>{@code pull_request} opened, synchronize, reopened</td><td>a gate run of the head
 *       commit; older runs of the same pull request that have not ended are cancelled (a running one
 *       is interrupted)</td><td>202</td></tr>
 *   <tr><td>{@code pull_request} labeled with an approval label</td><td>approves (see
 *       below); 204 when nothing waits</td><td>202</td></tr>
 *   <tr><td>{@code issue_comment} created, {@code /loadtest} by OWNER, MEMBER or
 *       COLLABORATOR</td><td>approves (see below)</td><td>202</td></tr>
 *   <tr><td>{@code check_run} rerequested</td><td>a new run of that commit</td><td>202</td></tr>
 *   <tr><td>anything else, a push to another branch, an untrusted {@code /loadtest}</td><td>none</td>
 *       <td>204</td></tr>
 * </table>
 *
 * <h2>Trust</h2>
 *
 * <p>A load test builds and runs the pull request's code on the service's machine, so code from
 * outside the team must be looked at first. A pull request from a fork, or by an author GitHub does
 * not call OWNER, MEMBER or COLLABORATOR, is stored {@code AWAITING_APPROVAL}; each new push to it
 * waits again. Approving means a {@code /loadtest} comment by a trusted author or adding a
 * configured label: the waiting job is queued. When nothing waits, a {@code /loadtest} comment runs
 * the newest known commit of that pull request again (so it doubles as "re-run"); a label does
 * nothing (204), so labelling a pull request that already ran never runs it twice. The
 * per-repository configuration is read from the default branch, never from the head under test.
 *
 * <h2>Payload values</h2>
 *
 * <p>Every value that reaches the store, and through it a command line or a path (commit ids,
 * branches, the repository's name and clone URL, logins, numbers, the delivery id), is checked
 * against a strict form by {@link io.murmuration.hook.PayloadValues} before anything is stored; a
 * delivery with one value that breaks its rule is answered 400 with one line naming the field.
 * Nothing is repaired: a value git would read as an option ({@code --upload-pack=…}) is refused,
 * not quoted.
 *
 * <h2>Idempotency</h2>
 *
 * <p>Every delivery that stores anything carries GitHub's {@code X-GitHub-Delivery} id into the
 * store, unique there: a redelivery is answered 202 and changes nothing. See {@link
 * io.murmuration.hook.queue} for what survives a crash.
 *
 * <h2>Secrets</h2>
 *
 * <p>The webhook secret comes from {@code MURM_WEBHOOK_SECRET_FILE} or {@code MURM_WEBHOOK_SECRET}
 * ({@link io.murmuration.hook.intake.WebhookSecret}) and is never logged; nor are signature headers
 * or bodies.
 */
package io.murmuration.hook.intake;
