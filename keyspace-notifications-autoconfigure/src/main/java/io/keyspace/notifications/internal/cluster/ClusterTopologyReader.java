package io.keyspace.notifications.internal.cluster;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import io.keyspace.notifications.ConnectionSettings;
import io.keyspace.notifications.KeyspaceNotificationsException;
import io.keyspace.notifications.RedisNode;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Reads the slot table with {@code CLUSTER SHARDS} (or {@code CLUSTER SLOTS} where the server
 * refuses it), preferring a node that reports {@code cluster_state:ok}.
 * <p>
 * Not every answer can be trusted: a primary restarted after its replica took over comes
 * back still claiming its old slots (it reports {@code cluster_state:fail} for its first
 * seconds, until gossip demotes it), and a node that is not part of a formed cluster
 * answers with no slots at all. Following either would close the subscriptions on the real
 * primaries, so an empty table is skipped and a table from a node in {@code fail} state is
 * used only when no node reports {@code ok} (which is the case for the whole cluster while a
 * dead primary is not yet replaced).
 */
public final class ClusterTopologyReader {

	private final JedisClientConfig config;

	public ClusterTopologyReader(ConnectionSettings settings) {
		this.config = settings.jedisConfig(settings.commandTimeout());
	}

	/**
	 * @param candidates nodes to ask, in order (known primaries first, then the seeds)
	 * @return a topology with at least one primary
	 * @throws KeyspaceNotificationsException naming every node tried if none gave a usable answer
	 */
	public ClusterTopology read(Collection<RedisNode> candidates) {
		List<String> failures = new ArrayList<>();
		SlotTable fallback = null;
		for (RedisNode node : candidates) {
			try (Jedis jedis = connect(node)) {
				SlotTable table = slotTable(jedis, node);
				if (table.topology().primaries().isEmpty()) {
					failures.add(node + " (no slot is assigned)");
				}
				else if (jedis.clusterInfo().contains("cluster_state:ok")) {
					return table.topology();
				}
				else if (fallback == null) {
					fallback = table;
				}
			}
			catch (RuntimeException ex) {
				failures.add(node + " (" + ex.getMessage() + ")");
			}
		}
		if (fallback != null) {
			return fallback.topology();
		}
		throw new KeyspaceNotificationsException("Cannot read the Redis Cluster topology from any of " + failures
				+ ". Check spring.data.redis.cluster.nodes and that the nodes are running.");
	}

	/**
	 * {@code CLUSTER SLOTS} is deprecated since Redis 7.0, but older servers know only it, and
	 * an ACL may allow only it: any error reply to {@code CLUSTER SHARDS} falls back.
	 */
	private SlotTable slotTable(Jedis jedis, RedisNode node) {
		try {
			return SlotTable.fromShards(jedis.clusterShards(), node, this.config.isSsl());
		}
		catch (JedisDataException ex) {
			return SlotTable.fromSlots(jedis.clusterSlots(), node);
		}
	}


	private Jedis connect(RedisNode node) {
		return new Jedis(new HostAndPort(node.host(), node.port()), this.config);
	}

}
