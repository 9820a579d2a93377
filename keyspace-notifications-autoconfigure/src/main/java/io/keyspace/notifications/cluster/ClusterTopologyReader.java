package io.keyspace.notifications.cluster;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import io.keyspace.notifications.KeyspaceNotificationsException;
import io.keyspace.notifications.reader.ConnectionSettings;
import io.keyspace.notifications.reader.RedisNode;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;

/**
 * Reads the slot table with {@code CLUSTER SLOTS} from the first node that answers.
 */
public final class ClusterTopologyReader {

	private final JedisClientConfig config;

	public ClusterTopologyReader(ConnectionSettings settings) {
		this.config = settings.jedisConfig(settings.commandTimeout());
	}

	/**
	 * @param candidates nodes to ask, in order (known primaries first, then the seeds)
	 * @throws KeyspaceNotificationsException naming every node tried if none answered
	 */
	public ClusterTopology read(Collection<RedisNode> candidates) {
		List<String> failures = new ArrayList<>();
		for (RedisNode node : candidates) {
			try (Jedis jedis = new Jedis(new HostAndPort(node.host(), node.port()), this.config)) {
				return parse(jedis.clusterSlots(), node);
			}
			catch (RuntimeException ex) {
				failures.add(node + " (" + ex.getMessage() + ")");
			}
		}
		throw new KeyspaceNotificationsException("Cannot read the Redis Cluster topology from any of " + failures
				+ ". Check spring.data.redis.cluster.nodes and that the nodes are running.");
	}

	/** Parses a CLUSTER SLOTS reply: [[start, end, [host, port, id, ...], replicas...], ...]. */
	static ClusterTopology parse(List<Object> slots, RedisNode askedNode) {
		RedisNode[] owners = new RedisNode[ClusterTopology.SLOTS];
		for (Object range : slots) {
			List<?> entry = (List<?>) range;
			int start = ((Long) entry.get(0)).intValue();
			int end = ((Long) entry.get(1)).intValue();
			List<?> primary = (List<?>) entry.get(2);
			String host = new String((byte[]) primary.get(0), StandardCharsets.UTF_8);
			// An empty or "?" host means "the address you reached me on".
			RedisNode owner = new RedisNode((host.isEmpty() || host.equals("?")) ? askedNode.host() : host,
					((Long) primary.get(1)).intValue());
			for (int slot = start; slot <= end; slot++) {
				owners[slot] = owner;
			}
		}
		return new ClusterTopology(owners);
	}

}
