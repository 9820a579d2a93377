/**
 * Redis Cluster routing for {@link io.keyspace.notifications.ClusterKeyspaceNotifications}:
 * which primary owns which hash slot and which slots are being migrated, read with
 * {@code CLUSTER SHARDS} (or {@code CLUSTER SLOTS}) and each primary's {@code CLUSTER NODES}
 * from nodes whose view can be trusted ({@code ClusterTopologyReader}), and the pure routing
 * plan ({@code ClusterRouting}): exact-key channels on their slot's owner and, during a
 * migration, on the importing node too, everything else on every primary, replicas standing in
 * for a primary whose connection is down, and the per-node diff that turns one assignment into
 * another.
 */
package io.keyspace.notifications.internal.cluster;
