package io.keyspace.notifications.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

import io.keyspace.notifications.ClusterKeyspaceNotifications;
import io.keyspace.notifications.ConnectionSettings;
import io.keyspace.notifications.KeyspaceNotifications;
import io.keyspace.notifications.MasterReplicaKeyspaceNotifications;
import io.keyspace.notifications.NotificationOptions;
import io.keyspace.notifications.ReadFrom;
import io.keyspace.notifications.RedisNode;
import io.keyspace.notifications.SentinelKeyspaceNotifications;
import io.keyspace.notifications.StandaloneKeyspaceNotifications;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;

/**
 * Builds the notifications bean for the Redis setup the connection details describe
 * ({@link RedisSetup}): the master the sentinels name, every shard of a cluster, the master
 * among master/replica nodes, or one server. Nothing connects here: the bean connects on its
 * first subscription.
 */
final class KeyspaceNotificationsFactory {

	private static final Logger logger = LoggerFactory.getLogger(KeyspaceNotificationsFactory.class);

	private KeyspaceNotificationsFactory() {
	}

	static KeyspaceNotifications create(DataRedisConnectionDetails details, ConnectionSettings connection,
			NotificationOptions options, KeyspaceNotificationsProperties properties) {
		return switch (RedisSetup.of(details)) {
			case SENTINEL -> sentinel(details.getSentinel(), connection, options,
					KeyspaceNotificationsSettings.topologyRefreshInterval(properties));
			case CLUSTER -> new ClusterKeyspaceNotifications(
					nodes("spring.data.redis.cluster.nodes", details.getCluster().getNodes()), connection, options,
					KeyspaceNotificationsSettings.topologyRefreshInterval(properties));
			case MASTER_REPLICA -> new MasterReplicaKeyspaceNotifications(
					nodes("spring.data.redis.masterreplica.nodes", details.getMasterReplica().getNodes()), connection,
					options, KeyspaceNotificationsSettings.topologyRefreshInterval(properties));
			case STANDALONE -> standalone(details.getStandalone(), connection, options);
		};
	}

	private static SentinelKeyspaceNotifications sentinel(DataRedisConnectionDetails.Sentinel sentinel,
			ConnectionSettings connection, NotificationOptions options, Duration refreshInterval) {
		return new SentinelKeyspaceNotifications(sentinel.getMaster(),
				nodes("spring.data.redis.sentinel.nodes", sentinel.getNodes()),
				KeyspaceNotificationsSettings.sentinelConnection(connection, sentinel), connection, options,
				refreshInterval);
	}

	private static StandaloneKeyspaceNotifications standalone(DataRedisConnectionDetails.Standalone standalone,
			ConnectionSettings connection, NotificationOptions options) {
		RedisNode node = new RedisNode(standalone.getHost(), standalone.getPort());
		if (options.readFrom() != ReadFrom.PRIMARY) {
			// Not a failure: the one server configured is read whatever its role, as before.
			logger.warn("keyspace-notifications.read-from={} is ignored: spring.data.redis.* configures one server, {}, "
					+ "which is read whatever its role. Replicas are chosen only in a Sentinel "
					+ "(spring.data.redis.sentinel.*), master/replica (spring.data.redis.masterreplica.nodes) or "
					+ "cluster (spring.data.redis.cluster.nodes) setup. Remove the property to silence this warning.",
					propertyValue(options.readFrom()), node);
		}
		return new StandaloneKeyspaceNotifications(node, connection, options);
	}

	private static List<RedisNode> nodes(String property, List<DataRedisConnectionDetails.Node> nodes) {
		if (nodes == null || nodes.isEmpty()) {
			throw new InvalidConfigurationPropertyValueException(property, "", "must list at least one host:port");
		}
		return nodes.stream().map((node) -> new RedisNode(node.host(), node.port())).toList();
	}

	/** How the value is written in properties, e.g. {@code replica-preferred}. */
	static String propertyValue(ReadFrom readFrom) {
		return readFrom.name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

}
