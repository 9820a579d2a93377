package io.keyspace.notifications.internal.config;

import java.util.Map;

import io.keyspace.notifications.ConnectionSettings;
import io.keyspace.notifications.RedisNode;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * {@link NodeConfigAccess} over a short-lived command connection per call, made like the
 * subscriber's (credentials, TLS, host mapper) but waiting only the command timeout. The
 * checks are rare (a connect, a new flag, one per node every check interval: 30 s by default),
 * so a pooled connection would idle for nothing.
 */
final class JedisNodeConfigAccess implements NodeConfigAccess {

	static final String PARAMETER = "notify-keyspace-events";

	private final JedisClientConfig config;

	JedisNodeConfigAccess(ConnectionSettings settings) {
		this.config = settings.jedisConfig(settings.commandTimeout());
	}

	@Override
	public String get(RedisNode node) {
		try (Jedis jedis = connect(node)) {
			Map<String, String> reply = jedis.configGet(PARAMETER);
			String value = reply.get(PARAMETER);
			if (value == null) {
				// Some managed services answer CONFIG GET but hide parameters they manage.
				throw new JedisDataException("CONFIG GET " + PARAMETER + " returned no value");
			}
			return value;
		}
	}

	@Override
	public void set(RedisNode node, String value) {
		try (Jedis jedis = connect(node)) {
			jedis.configSet(PARAMETER, value);
		}
	}

	private Jedis connect(RedisNode node) {
		return new Jedis(new HostAndPort(node.host(), node.port()), this.config);
	}

}
