package io.keyspace.notifications.testing;

import redis.clients.jedis.Jedis;

/**
 * A node of a {@link LocalRedisCluster} as the live cluster reports it. The role is not
 * part of the record on purpose: it changes with failovers, so ask the cluster
 * ({@link LocalRedisCluster#primaries()}) instead of caching it.
 *
 * @param id the cluster node id
 * @param host always {@value RedisServer#HOST}
 * @param port the client port
 * @param server the process behind the node
 */
public record ClusterNode(String id, String host, int port, RedisServer server) {

	/** {@code "127.0.0.1:port"}. */
	public String hostAndPort() {
		return this.host + ":" + this.port;
	}

	/** A new direct connection to this node (no redirects followed); the caller closes it. */
	public Jedis jedis() {
		return this.server.jedis();
	}

	@Override
	public String toString() {
		return hostAndPort() + " (" + this.id.substring(0, Math.min(8, this.id.length())) + ")";
	}

}
