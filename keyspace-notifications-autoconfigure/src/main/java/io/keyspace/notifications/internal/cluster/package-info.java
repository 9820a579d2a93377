/**
 * Redis Cluster routing for {@link io.keyspace.notifications.ClusterKeyspaceNotifications}:
 * which primary owns which hash slot, read with {@code CLUSTER SHARDS} (or
 * {@code CLUSTER SLOTS}) from nodes whose view can be trusted ({@code ClusterTopologyReader}),
 * and the pure routing plan ({@code ClusterRouting}): every channel on every primary (an
 * exact key's too, so a slot migration never finds its target unsubscribed), replicas standing in
 * for a primary whose connection is down, and the per-node diff that turns one assignment into
 * another.
 */
package io.keyspace.notifications.internal.cluster;
