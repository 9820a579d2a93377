/**
 * Test infrastructure that runs real {@code redis-server} processes on free loopback ports:
 * a single server ({@link io.keyspace.notifications.testing.RedisServer},
 * {@link io.keyspace.notifications.testing.RedisServerExtension}), a 3-primary/3-replica
 * cluster formed with plain cluster commands
 * ({@link io.keyspace.notifications.testing.LocalRedisCluster},
 * {@link io.keyspace.notifications.testing.RedisClusterExtension}), and a master with a replica
 * watched by three sentinels ({@link io.keyspace.notifications.testing.LocalSentinelSetup},
 * {@link io.keyspace.notifications.testing.RedisSentinelExtension}) or without them
 * ({@link io.keyspace.notifications.testing.LocalMasterReplica},
 * {@link io.keyspace.notifications.testing.RedisMasterReplicaExtension}). The binary comes from
 * {@code REDIS_SERVER}, the PATH, or the static build inside the {@code embedded-redis} jar
 * ({@link io.keyspace.notifications.testing.RedisBinary}), so tests never skip for lack of
 * Redis. Shipped as this module's test-jar so other modules' tests reuse it.
 */
package io.keyspace.notifications.testing;
