package io.keyspace.notifications.internal.cluster;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.keyspace.notifications.RedisNode;
import redis.clients.jedis.resps.ClusterShardInfo;
import redis.clients.jedis.resps.ClusterShardNodeInfo;

/**
 * The slot table one node reported, from {@code CLUSTER SHARDS} or {@code CLUSTER SLOTS}: who
 * owns which slot and the replicas of each owner.
 */
final class SlotTable {

	private final RedisNode askedNode;

	private final RedisNode[] owners = new RedisNode[ClusterTopology.SLOTS];

	private final Map<RedisNode, Set<RedisNode>> replicas = new LinkedHashMap<>();

	private SlotTable(RedisNode askedNode) {
		this.askedNode = askedNode;
	}

	/**
	 * Reads a {@code CLUSTER SHARDS} reply (Redis 7.0+), as Jedis decodes it. A shard lists its
	 * slot ranges and its nodes, each with a role and a health. Failed replicas are left out
	 * (as {@code CLUSTER SLOTS} does); a shard that lists a failed primary beside the one
	 * promoted in its place (7.2+ groups nodes by shard id) is owned by the healthy one.
	 * @param tls whether connections use TLS, which decides between a node's port and TLS port
	 */
	static SlotTable fromShards(List<ClusterShardInfo> shards, RedisNode askedNode, boolean tls) {
		SlotTable table = new SlotTable(askedNode);
		for (ClusterShardInfo shard : shards) {
			RedisNode owner = null;
			boolean ownerFailed = true;
			Set<RedisNode> shardReplicas = new LinkedHashSet<>();
			for (ClusterShardNodeInfo info : shard.getNodes()) {
				RedisNode node = table.name(info.getEndpoint(), port(info, tls));
				boolean failed = "failed".equals(info.getHealth());
				if ("master".equals(info.getRole())) {
					if (owner == null || (ownerFailed && !failed)) {
						owner = node;
						ownerFailed = failed;
					}
				}
				else if (!failed) {
					shardReplicas.add(node);
				}
			}
			if (owner != null && !shard.getSlots().isEmpty()) {
				for (List<Long> range : shard.getSlots()) {
					table.assign(range.get(0).intValue(), range.get(1).intValue(), owner);
				}
				table.replicas.computeIfAbsent(owner, (n) -> new LinkedHashSet<>()).addAll(shardReplicas);
			}
		}
		return table;
	}

	/**
	 * Reads a {@code CLUSTER SLOTS} reply:
	 * {@code [[start, end, [host, port, id, ...], replica...], ...]}.
	 */
	static SlotTable fromSlots(List<Object> slots, RedisNode askedNode) {
		SlotTable table = new SlotTable(askedNode);
		for (Object range : slots) {
			List<?> entry = (List<?>) range;
			RedisNode owner = table.name((List<?>) entry.get(2));
			table.assign(((Long) entry.get(0)).intValue(), ((Long) entry.get(1)).intValue(), owner);
			Set<RedisNode> ownerReplicas = table.replicas.computeIfAbsent(owner, (n) -> new LinkedHashSet<>());
			for (int i = 3; i < entry.size(); i++) {
				ownerReplicas.add(table.name((List<?>) entry.get(i)));
			}
		}
		return table;
	}

	ClusterTopology topology() {
		return new ClusterTopology(this.owners, this.replicas);
	}

	private void assign(int first, int last, RedisNode owner) {
		Arrays.fill(this.owners, first, last + 1, owner);
	}

	private RedisNode name(List<?> address) {
		return name(text(address.get(0)), ((Long) address.get(1)).intValue());
	}

	private RedisNode name(String endpoint, int port) {
		// An empty, "?" or missing endpoint means "the address you reached me on".
		boolean unknown = endpoint == null || endpoint.isEmpty() || endpoint.equals("?");
		return new RedisNode(unknown ? this.askedNode.host() : endpoint, port);
	}

	/** A node lists the port for the kind of connection it serves; a TLS-only node has no plain port. */
	private static int port(ClusterShardNodeInfo info, boolean tls) {
		Long preferred = tls ? info.getTlsPort() : info.getPort();
		Long other = tls ? info.getPort() : info.getTlsPort();
		return ((preferred != null) ? preferred : other).intValue();
	}

	private static String text(Object bulk) {
		return (bulk == null) ? null : new String((byte[]) bulk, StandardCharsets.UTF_8);
	}

}
