package io.keyspace.notifications.autoconfigure;

import java.util.Optional;
import java.util.function.Supplier;

import io.keyspace.notifications.RedisNode;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.CommandArguments;
import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.providers.ConnectionProvider;
import redis.clients.jedis.providers.PooledConnectionProvider;

/**
 * Connections to the master of a master/replica setup without Sentinel, following a promotion:
 * each new connection goes to the master the notifications' topology refresh found last (it asks
 * every node its {@code ROLE}), so the groups' streams and leases move with the master. Until
 * the refresh sees a promotion, writes to the old master fail ({@code READONLY}) and the groups
 * retry them.
 * <p>
 * Threading: {@link #getConnection} runs on any group thread. The current pool is read without a
 * lock; a switch swaps it under this object's monitor (memory only: a pool connects lazily) and
 * closes the old pool, whose borrowed connections are closed as they come back.
 */
final class MasterFollowingConnectionProvider implements ConnectionProvider {

	private static final Logger logger = LoggerFactory.getLogger(MasterFollowingConnectionProvider.class);

	private final Supplier<Optional<RedisNode>> master;

	private final JedisClientConfig config;

	private final GenericObjectPoolConfig<Connection> pool;

	private volatile Target current;

	MasterFollowingConnectionProvider(HostAndPort initial, Supplier<Optional<RedisNode>> master,
			JedisClientConfig config, GenericObjectPoolConfig<Connection> pool) {
		this.master = master;
		this.config = config;
		this.pool = pool;
		this.current = new Target(initial, new PooledConnectionProvider(initial, config, pool));
	}

	@Override
	public Connection getConnection() {
		return target().provider().getConnection();
	}

	@Override
	public Connection getConnection(CommandArguments args) {
		return target().provider().getConnection(args);
	}

	@Override
	public void close() {
		this.current.provider().close();
	}

	private Target target() {
		Target target = this.current;
		HostAndPort master = this.master.get().map((node) -> new HostAndPort(node.host(), node.port())).orElse(null);
		if (master == null || master.equals(target.address())) {
			return target;
		}
		Target previous;
		synchronized (this) {
			previous = this.current;
			if (master.equals(previous.address())) {
				return previous;
			}
			this.current = new Target(master, new PooledConnectionProvider(master, this.config, this.pool));
		}
		logger.info("The groups' Redis client follows the master from {} to {}", previous.address(), master);
		previous.provider().close();
		return this.current;
	}

	private record Target(HostAndPort address, PooledConnectionProvider provider) {
	}

}
