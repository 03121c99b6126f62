package io.murmuration.influx;

/**
 * One worker node's sampling interval, as written to the {@code node} measurement.
 *
 * @param node the worker's address ({@code host:port})
 * @param atMs the end of the interval, epoch ms
 * @param users users connected on it
 * @param sent timed messages its users sent so far
 * @param delivered messages its users received so far (on time or late)
 * @param ttdP99Ms TTD p99 of the messages it received in the interval, null without any
 * @param lagP99Ms its scheduling lag p99 in the interval, null without any scheduled action
 * @param cpuCores CPU its process used in the interval, in cores; null when unknown
 * @param rssMib its resident set size, MiB; null when unknown
 */
public record NodePoint(
    String node,
    long atMs,
    int users,
    long sent,
    long delivered,
    Double ttdP99Ms,
    Double lagP99Ms,
    Double cpuCores,
    Double rssMib) {}
