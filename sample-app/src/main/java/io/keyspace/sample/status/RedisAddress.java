package io.keyspace.sample.status;

import java.util.Optional;

import io.keyspace.notifications.KeyspaceNotifications;
import io.keyspace.notifications.RedisNode;
import io.keyspace.notifications.SentinelKeyspaceNotifications;

import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails.Node;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;

/**
 * The Redis the application uses, as shown on the page: never a password. Chosen in Spring
 * Boot's order, like the connection itself: Sentinel, cluster, master/replica, standalone.
 *
 * @param address {@code host:port} (of the master the sentinels named, or of the first node
 * listed for a cluster or a master/replica setup)
 * @param cli the {@code redis-cli} invocation that reaches the same server and database;
 * {@code null} while the sentinels have not named the master yet
 */
record RedisAddress(String address, String cli) {

	static RedisAddress of(DataRedisConnectionDetails details, KeyspaceNotifications notifications) {
		if (details.getSentinel() != null) {
			return sentinel(details.getSentinel(), notifications);
		}
		if (details.getCluster() != null && !details.getCluster().getNodes().isEmpty()) {
			Node node = details.getCluster().getNodes().get(0);
			return new RedisAddress(node.host() + ":" + node.port(), cli(node.host(), node.port(), 0) + " -c");
		}
		if (details.getMasterReplica() != null && !details.getMasterReplica().getNodes().isEmpty()) {
			Node node = details.getMasterReplica().getNodes().get(0);
			return new RedisAddress(node.host() + ":" + node.port(), cli(node.host(), node.port(), 0));
		}
		DataRedisConnectionDetails.Standalone standalone = details.getStandalone();
		return new RedisAddress(standalone.getHost() + ":" + standalone.getPort(),
				cli(standalone.getHost(), standalone.getPort(), standalone.getDatabase()));
	}

	/** The master is known once the library has asked the sentinels, at its first subscription. */
	private static RedisAddress sentinel(DataRedisConnectionDetails.Sentinel sentinel,
			KeyspaceNotifications notifications) {
		Optional<RedisNode> master = (notifications instanceof SentinelKeyspaceNotifications watching)
				? watching.master() : Optional.empty();
		return master
			.map((node) -> new RedisAddress(node + " (master " + sentinel.getMaster() + ", from Sentinel)",
					cli(node.host(), node.port(), sentinel.getDatabase())))
			.orElseGet(() -> new RedisAddress("master " + sentinel.getMaster() + " via Sentinel "
					+ sentinel.getNodes().stream().map((node) -> node.host() + ":" + node.port()).toList(), null));
	}

	/** Whether {@code node} ({@code host:port}) is the server this address names. */
	boolean isAt(String node) {
		return this.address.equals(node) || this.address.startsWith(node + " ");
	}

	private static String cli(String host, int port, int database) {
		boolean local = host.equals("localhost") || host.equals("127.0.0.1");
		return "redis-cli" + (local ? "" : " -h " + host) + " -p " + port + ((database != 0) ? " -n " + database : "");
	}

}
