/**
 * Redis Cluster routing for {@link io.keyspace.notifications.ClusterKeyspaceNotifications}:
 * which primary owns which hash slot, read with {@code CLUSTER SLOTS} from a node whose view
 * can be trusted ({@code ClusterTopologyReader}), and the pure routing plan
 * ({@code ClusterRouting}): exact-key channels on their slot's owner, everything else on every
 * primary, replicas standing in for a primary whose connection is down, and the per-node diff
 * that turns one assignment into another.
 */
package io.keyspace.notifications.internal.cluster;
