package io.keyspace.notifications.internal.replication;

import java.util.List;

import io.keyspace.notifications.RedisNode;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.util.SafeEncoder;

/** {@code ROLE}, asked on a short-lived connection. */
public final class Roles {

	private Roles() {
	}

	/**
	 * The node's {@code ROLE} reply, its bulk strings as text.
	 * @throws RuntimeException when the node cannot be reached or refuses the command
	 */
	public static List<String> of(RedisNode node, JedisClientConfig config) {
		try (Jedis jedis = new Jedis(new HostAndPort(node.host(), node.port()), config)) {
			return jedis.role().stream().map(Roles::text).toList();
		}
	}

	/** Jedis decodes the reply's bulk strings; older versions left them as bytes. */
	static String text(Object value) {
		return (value instanceof byte[] bytes) ? SafeEncoder.encode(bytes) : String.valueOf(value);
	}

}
