package io.keyspace.notifications.reader;

import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.Protocol.Command;

/**
 * A Jedis connection that can write a command without waiting for its reply: on a
 * subscribed connection every reply is read by the node's reader thread, never by the
 * writer.
 */
final class PubSubConnection extends Connection {

	PubSubConnection(RedisNode node, JedisClientConfig config) {
		super(new HostAndPort(node.host(), node.port()), config);
	}

	void send(Command command, byte[]... args) {
		sendCommand(command, args);
		flush();
	}

}
