package io.keyspace.notifications.internal.cluster;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.keyspace.notifications.KeyspaceNotificationsException;
import io.keyspace.notifications.ConnectionSettings;
import io.keyspace.notifications.RedisNode;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;

/**
 * Reads the slot table with {@code CLUSTER SLOTS}, preferring a node that reports
 * {@code cluster_state:ok}.
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
		ClusterTopology fallback = null;
		for (RedisNode node : candidates) {
			try (Jedis jedis = new Jedis(new HostAndPort(node.host(), node.port()), this.config)) {
				ClusterTopology topology = parse(jedis.clusterSlots(), node);
				if (topology.primaries().isEmpty()) {
					failures.add(node + " (no slot is assigned)");
				}
				else if (jedis.clusterInfo().contains("cluster_state:ok")) {
					return topology;
				}
				else if (fallback == null) {
					fallback = topology;
				}
			}
			catch (RuntimeException ex) {
				failures.add(node + " (" + ex.getMessage() + ")");
			}
		}
		if (fallback != null) {
			return fallback;
		}
		throw new KeyspaceNotificationsException("Cannot read the Redis Cluster topology from any of " + failures
				+ ". Check spring.data.redis.cluster.nodes and that the nodes are running.");
	}

	/**
	 * Parses a CLUSTER SLOTS reply: [[start, end, [host, port, id, ...], replicas...], ...].
	 */
	static ClusterTopology parse(List<Object> slots, RedisNode askedNode) {
		RedisNode[] owners = new RedisNode[ClusterTopology.SLOTS];
		Map<RedisNode, Set<RedisNode>> replicas = new LinkedHashMap<>();
		for (Object range : slots) {
			List<?> entry = (List<?>) range;
			int start = ((Long) entry.get(0)).intValue();
			int end = ((Long) entry.get(1)).intValue();
			RedisNode owner = node((List<?>) entry.get(2), askedNode);
			for (int slot = start; slot <= end; slot++) {
				owners[slot] = owner;
			}
			Set<RedisNode> ownerReplicas = replicas.computeIfAbsent(owner, (n) -> new LinkedHashSet<>());
			for (int i = 3; i < entry.size(); i++) {
				ownerReplicas.add(node((List<?>) entry.get(i), askedNode));
			}
		}
		return new ClusterTopology(owners, replicas);
	}

	private static RedisNode node(List<?> address, RedisNode askedNode) {
		String host = new String((byte[]) address.get(0), StandardCharsets.UTF_8);
		// An empty or "?" host means "the address you reached me on".
		return new RedisNode((host.isEmpty() || host.equals("?")) ? askedNode.host() : host,
				((Long) address.get(1)).intValue());
	}

}
