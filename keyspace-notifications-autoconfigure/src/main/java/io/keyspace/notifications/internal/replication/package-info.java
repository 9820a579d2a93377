/**
 * Replicated setups without a cluster, read as one shard (a primary owning every slot, with
 * its replicas): {@code SentinelTopologyReader} asks the sentinels for the current master and
 * its healthy replicas, {@code SentinelWatcher} hears a sentinel's {@code +switch-master} the
 * moment a failover completes, and {@code RoleTopologyReader} finds the master of a
 * master/replica setup with {@code ROLE}.
 */
package io.keyspace.notifications.internal.replication;
