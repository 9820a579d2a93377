package io.keyspace.notifications.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

import io.keyspace.notifications.ConnectionSettings;
import io.keyspace.notifications.GroupSettings;
import io.keyspace.notifications.KeyspaceNotifications;
import io.keyspace.notifications.KeyspaceNotificationsException;
import io.keyspace.notifications.MasterReplicaKeyspaceNotifications;
import io.keyspace.notifications.NotificationGroups;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.RedisSentinelClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.util.StringUtils;

/**
 * What {@code NotificationGroups} needs, from the application's configuration: its
 * {@link GroupSettings} from {@code keyspace-notifications.groups.*} (a rejected value is
 * reported with its property), and a Redis client for the streams and leases on the setup
 * the notifications come from, with the same credentials, TLS and client name.
 */
final class NotificationGroupsFactory {

	private static final Logger logger = LoggerFactory.getLogger(NotificationGroupsFactory.class);

	private static final String PREFIX = "keyspace-notifications.groups.";

	/** The group readers block in XREADGROUP for up to a second: a read must be allowed to outlast it. */

	private NotificationGroupsFactory() {
	}

	static GroupSettings settings(KeyspaceNotificationsProperties.Groups groups) {
		GroupSettings settings = GroupSettings.defaults();
		if (!StringUtils.hasLength(groups.getStreamKeyPrefix())) {
			throw new InvalidConfigurationPropertyValueException(PREFIX + "stream-key-prefix",
					groups.getStreamKeyPrefix(), "must not be empty: notifications of keys with this prefix are not "
							+ "forwarded (they are the groups' own), so an empty one would forward nothing");
		}
		settings = apply("stream-key-prefix", groups.getStreamKeyPrefix(), settings::withStreamKeyPrefix);
		settings = apply("max-length", groups.getMaxLength(), settings::withMaxLength);
		settings = apply("lease-time", required("lease-time", groups.getLeaseTime()), settings::withLeaseTime);
		settings = apply("claim-timeout", required("claim-timeout", groups.getClaimTimeout()),
				settings::withClaimTimeout);
		settings = apply("max-deliveries", groups.getMaxDeliveries(), settings::withMaxDeliveries);
		settings = apply("batch-size", groups.getBatchSize(), settings::withBatchSize);
		if (StringUtils.hasText(groups.getConsumerName())) {
			settings = apply("consumer-name", groups.getConsumerName().strip(), settings::withConsumerName);
		}
		return settings;
	}

	/**
	 * A client of the setup Spring Boot connects to ({@link RedisSetup}), on the application's
	 * database. Sentinel and cluster clients connect when they are built, to find the master or
	 * the slots; a standalone client connects on first use.
	 */
	static UnifiedJedis redis(DataRedisConnectionDetails details, ConnectionSettings connection,
			KeyspaceNotifications notifications) {
		JedisClientConfig config = DefaultJedisClientConfig.builder()
			.from(connection.jedisConfig(connection.commandTimeout().plus(NotificationGroups.BLOCKING_READ)))
			.database(connection.database())
			.build();
		return switch (RedisSetup.of(details)) {
			case STANDALONE -> RedisClient.builder()
				.hostAndPort(details.getStandalone().getHost(), details.getStandalone().getPort())
				.clientConfig(config)
				.poolConfig(pool())
				.build();
			case SENTINEL -> RedisSentinelClient.builder()
				.masterName(details.getSentinel().getMaster())
				.sentinels(nodes(details.getSentinel().getNodes()))
				.sentinelClientConfig(KeyspaceNotificationsSettings.sentinelConnection(connection, details.getSentinel())
					.jedisConfig(connection.commandTimeout()))
				.clientConfig(config)
				.poolConfig(pool())
				.build();
			case CLUSTER -> RedisClusterClient.builder()
				.nodes(nodes(details.getCluster().getNodes()))
				.clientConfig(config)
				.poolConfig(pool())
				.build();
			case MASTER_REPLICA -> masterReplica(master(details.getMasterReplica().getNodes(), config), config,
					notifications);
		};
	}

	/**
	 * The master found now, followed through promotions as the notifications' topology refresh
	 * sees them when the notifications are the master/replica ones (the auto-configured are).
	 */
	private static UnifiedJedis masterReplica(HostAndPort master, JedisClientConfig config,
			KeyspaceNotifications notifications) {
		if (notifications instanceof MasterReplicaKeyspaceNotifications masterReplica) {
			return new UnifiedJedis(new MasterFollowingConnectionProvider(master, masterReplica::master, config, pool()));
		}
		return RedisClient.builder().hostAndPort(master).clientConfig(config).poolConfig(pool()).build();
	}

	/**
	 * Without a limit: each group thread (forwarder, maintenance, one reader per stream, the
	 * readers blocking up to a second) holds at most one connection at a time, so the threads
	 * bound the pool, and a limit would only make a forwarder wait behind blocked readers and
	 * miss its lease renewal.
	 */
	private static ConnectionPoolConfig pool() {
		ConnectionPoolConfig pool = new ConnectionPoolConfig();
		pool.setMaxTotal(-1);
		pool.setMaxIdle(-1);
		return pool;
	}

	/** The node whose {@code ROLE} is master now; later promotions are followed by {@link #masterReplica}. */
	private static HostAndPort master(List<DataRedisConnectionDetails.Node> nodes, JedisClientConfig config) {
		for (DataRedisConnectionDetails.Node node : nodes) {
			HostAndPort address = new HostAndPort(node.host(), node.port());
			try (Jedis jedis = new Jedis(address, config)) {
				if ("master".equals(decode(jedis.role().get(0)))) {
					return address;
				}
			}
			catch (JedisException ex) {
				logger.debug("ROLE of {} failed", address, ex);
			}
		}
		throw new KeyspaceNotificationsException("None of spring.data.redis.masterreplica.nodes " + nodes.stream()
			.map((node) -> node.host() + ":" + node.port())
			.toList() + " answered ROLE as a master, so the notification groups have nowhere to write their "
				+ "streams; check that the master is listed and reachable");
	}

	private static String decode(Object value) {
		return (value instanceof byte[] bytes) ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(value);
	}

	private static Set<HostAndPort> nodes(List<DataRedisConnectionDetails.Node> nodes) {
		Set<HostAndPort> addresses = new LinkedHashSet<>();
		nodes.forEach((node) -> addresses.add(new HostAndPort(node.host(), node.port())));
		return addresses;
	}

	private static <T> T required(String property, T value) {
		if (value == null) {
			throw new InvalidConfigurationPropertyValueException(PREFIX + property, null, "must be set");
		}
		return value;
	}

	private static <T> GroupSettings apply(String property, T value, Function<T, GroupSettings> with) {
		try {
			return with.apply(value);
		}
		catch (IllegalArgumentException | NullPointerException ex) {
			// "leaseTime must be at least 300ms, was PT0.1S": the report names the property itself
			String rule = String.valueOf(ex.getMessage()).replaceFirst("^\\w+ (?=must)", "");
			throw new InvalidConfigurationPropertyValueException(PREFIX + property, value, rule);
		}
	}

}
