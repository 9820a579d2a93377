/**
 * Redis Cluster topology for {@link io.keyspace.notifications.ClusterKeyspaceNotifications}:
 * which primary owns which hash slot, read with {@code CLUSTER SLOTS} from a node whose view
 * can be trusted. Keyspace events never cross the cluster bus, so this slot table decides
 * which primaries are subscribed and where a channel for one exact key goes.
 */
package io.keyspace.notifications.cluster;
