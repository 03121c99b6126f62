/**
 * The {@code murm} command line (picocli). {@link io.murmuration.cli.Murm} wires the commands and
 * maps failures to {@link io.murmuration.results.ExitCode}s: a {@link
 * io.murmuration.cli.SetupException} is one line and exit code 2; anything else is an internal
 * error (4). {@code RunCommand} and {@code DemoCommand} only build settings; {@code Execution} runs
 * them (preflight, accounts, run, live view, results, assertions). Settings not given as flags come
 * from {@code MURM_*} variables and the HOCON config file ({@code ConfigDefaults}). User
 * documentation: {@code docs/cli.md}.
 */
package io.murmuration.cli;
