package io.keyspace.notifications.internal.replication;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.keyspace.notifications.ConnectionSettings;
import io.keyspace.notifications.KeyspaceNotificationsException;
import io.keyspace.notifications.RedisNode;
import io.keyspace.notifications.internal.cluster.ClusterTopology;
import redis.clients.jedis.JedisClientConfig;

/**
 * Finds the master of a master/replica setup by asking each node its {@code ROLE}: the node
 * that says {@code master}, with the listed nodes that say they replicate it as its replicas
 * (whatever the state of their link: while the master is down, the one to be promoted must
 * stand in for it). While a promotion is under way two nodes may say {@code master};
 * the one that other nodes replicate wins, then the first listed.
 */
public final class RoleTopologyReader {

	private final List<RedisNode> nodes;

	private final JedisClientConfig config;

	public RoleTopologyReader(List<RedisNode> nodes, ConnectionSettings settings) {
		this.nodes = List.copyOf(nodes);
		this.config = settings.jedisConfig(settings.commandTimeout());
	}

	/**
	 * @throws KeyspaceNotificationsException naming every node asked, when none is a master
	 */
	public ClusterTopology read() {
		List<String> failures = new ArrayList<>();
		List<RedisNode> masters = new ArrayList<>();
		Map<RedisNode, RedisNode> replicaOf = new LinkedHashMap<>();
		for (RedisNode node : this.nodes) {
			try {
				List<String> role = Roles.of(node, this.config);
				String kind = role.get(0);
				if ("master".equals(kind)) {
					masters.add(node);
				}
				else if ("slave".equals(kind)) {
					replicaOf.put(node, new RedisNode(role.get(1), Integer.parseInt(role.get(2))));
				}
				else {
					failures.add(node + " (" + kind + ")");
				}
			}
			catch (RuntimeException ex) {
				failures.add(node + " (" + ex.getMessage() + ")");
			}
		}
		RedisNode master = masters.stream()
			.filter(replicaOf::containsValue)
			.findFirst()
			.orElse(masters.isEmpty() ? null : masters.get(0));
		if (master == null) {
			throw new KeyspaceNotificationsException("None of the Redis nodes " + this.nodes
					+ " is a master: " + failures + ". Check spring.data.redis.masterreplica.nodes and that the "
					+ "nodes are running.");
		}
		Set<RedisNode> replicas = new LinkedHashSet<>();
		replicaOf.forEach((replica, itsMaster) -> {
			if (itsMaster.equals(master)) {
				replicas.add(replica);
			}
		});
		return ClusterTopology.singleShard(master, replicas);
	}

}
