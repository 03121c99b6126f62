/**
 * Where simulated users' accounts come from ({@link io.murmuration.accounts.Accounts}): existing
 * accounts named by patterns ({@code user_{id}} / {@code password_{id}}), in-band registration by
 * each user right before its login (XEP-0077), or bulk creation before the run through ejabberd's
 * HTTP API ({@link io.murmuration.accounts.EjabberdHttpApi}, concurrent requests: about 1,000–2,000
 * accounts/s against a local ejabberd) or, for a server without such an API (Prosody), by in-band
 * registrations many at a time ({@link io.murmuration.accounts.InBandRegistration}). Account names
 * derive from integer user ids only, so every node of a cluster can name any user.
 */
package io.murmuration.accounts;
