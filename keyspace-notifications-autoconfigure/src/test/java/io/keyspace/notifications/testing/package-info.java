/**
 * Test infrastructure that runs real {@code redis-server} processes on free loopback ports:
 * a single server ({@link io.keyspace.notifications.testing.RedisServer},
 * {@link io.keyspace.notifications.testing.RedisServerExtension}) and a 3-primary/3-replica
 * cluster formed with plain cluster commands
 * ({@link io.keyspace.notifications.testing.LocalRedisCluster},
 * {@link io.keyspace.notifications.testing.RedisClusterExtension}). The binary comes from
 * {@code REDIS_SERVER}, the PATH, or the static build inside the {@code embedded-redis} jar
 * ({@link io.keyspace.notifications.testing.RedisBinary}), so tests never skip for lack of
 * Redis. Shipped as this module's test-jar so other modules' tests reuse it.
 */
package io.keyspace.notifications.testing;
