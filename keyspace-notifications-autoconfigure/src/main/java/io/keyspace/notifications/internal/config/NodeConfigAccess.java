package io.keyspace.notifications.internal.config;

import io.keyspace.notifications.RedisNode;

/**
 * Reads and writes one node's {@code notify-keyspace-events}. Network I/O: called on the
 * scheduler thread only, never under a lock.
 */
interface NodeConfigAccess {

	/**
	 * {@code CONFIG GET notify-keyspace-events}.
	 * @return the value, {@code ""} when notifications are off
	 * @throws redis.clients.jedis.exceptions.JedisDataException when the server refuses the
	 * command or does not show the parameter
	 * @throws redis.clients.jedis.exceptions.JedisConnectionException when the node cannot be reached
	 */
	String get(RedisNode node);

	/**
	 * {@code CONFIG SET notify-keyspace-events <value>}.
	 * @throws redis.clients.jedis.exceptions.JedisDataException when the server refuses it
	 * @throws redis.clients.jedis.exceptions.JedisConnectionException when the node cannot be reached
	 */
	void set(RedisNode node, String value);

}
