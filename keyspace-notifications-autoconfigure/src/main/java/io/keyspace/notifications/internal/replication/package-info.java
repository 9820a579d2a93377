/**
 * Replicated setups without a cluster, read as one shard (a primary owning every slot, with
 * its replicas): {@code SentinelTopologyReader} asks the sentinels for the current master and
 * its healthy replicas, {@code SentinelWatcher} hears a sentinel's {@code +switch-master} the
 * moment a failover completes, and {@code RoleTopologyReader} finds the master of a
 * master/replica setup with {@code ROLE}. Replicas subscribed ahead of a promotion
 * ({@code StandbyReader}) hold what they read in a {@code StandbyGate}, which hands it on and
 * delivers once its node is the master, as {@code INFO replication} ({@code ReplicationState})
 * tells.
 */
package io.keyspace.notifications.internal.replication;
