package io.murmuration.cluster;

/**
 * Marks the messages that cross nodes: serialized as CBOR by Pekko's Jackson serializer (bound in
 * {@code cluster.conf}). Only definitions (a run's settings, id ranges) and measurements (samples,
 * outcomes) are such messages, never code.
 */
public interface ClusterMessage {}
