package io.keyspace.notifications.internal.cluster;

import java.util.Arrays;
import java.util.BitSet;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.StringJoiner;

import io.keyspace.notifications.RedisNode;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * Which primary owns which hash slot. Primaries are derived from slot ownership, never from a cached node list: after a failover
 * a client's node list can still name the old primary, but the slot table cannot.
 */
public final class ClusterTopology {

	public static final int SLOTS = 16384;

	private final RedisNode[] owners;

	private final Set<RedisNode> primaries;

	private final Set<RedisNode> replicas;

	private final Map<RedisNode, Set<RedisNode>> replicasByPrimary;

	ClusterTopology(RedisNode[] owners, Map<RedisNode, Set<RedisNode>> replicasByPrimary) {
		this.owners = owners.clone();
		Set<RedisNode> found = new LinkedHashSet<>();
		for (RedisNode owner : owners) {
			if (owner != null) {
				found.add(owner);
			}
		}
		this.primaries = Collections.unmodifiableSet(found);
		Set<RedisNode> others = new LinkedHashSet<>();
		replicasByPrimary.values().forEach(others::addAll);
		others.removeAll(found);
		this.replicas = Collections.unmodifiableSet(others);
		Map<RedisNode, Set<RedisNode>> byPrimary = new LinkedHashMap<>();
		replicasByPrimary.forEach((primary, nodes) -> byPrimary.put(primary, Set.copyOf(nodes)));
		this.replicasByPrimary = Collections.unmodifiableMap(byPrimary);
	}

	/**
	 * A topology given as one inclusive slot range per primary, without replicas; for tests
	 * and tools that need a topology without asking a cluster.
	 * @param ranges each primary with its {@code {firstSlot, lastSlot}}
	 */
	public static ClusterTopology of(Map<RedisNode, int[]> ranges) {
		RedisNode[] owners = new RedisNode[SLOTS];
		ranges.forEach((node, range) -> Arrays.fill(owners, range[0], range[1] + 1, node));
		return new ClusterTopology(owners, Map.of());
	}

	/**
	 * One primary owning every slot, with its replicas: a Sentinel or master/replica setup,
	 * which routes like a cluster of one shard.
	 */
	public static ClusterTopology singleShard(RedisNode primary, Set<RedisNode> replicas) {
		RedisNode[] owners = new RedisNode[SLOTS];
		Arrays.fill(owners, primary);
		return new ClusterTopology(owners, Map.of(primary, replicas));
	}

	/** The same slot table, with replicas for some primaries; for tests. */
	public ClusterTopology withReplicas(Map<RedisNode, Set<RedisNode>> replicasByPrimary) {
		return new ClusterTopology(this.owners, replicasByPrimary);
	}


	/** The hash slot of a key (hash tags respected). */
	public static int slotOf(byte[] key) {
		return JedisClusterCRC16.getSlot(key);
	}

	/** The nodes that own at least one slot. */
	public Set<RedisNode> primaries() {
		return this.primaries;
	}

	/** The replicas the slot table names; asked for the topology when no primary answers. */
	public Set<RedisNode> replicas() {
		return this.replicas;
	}

	/** The replicas of one primary; empty if it has none or is not a primary. */
	public Set<RedisNode> replicasOf(RedisNode primary) {
		return this.replicasByPrimary.getOrDefault(primary, Set.of());
	}

	/**
	 * The lowest slot of the shard a node belongs to, as its primary or one of its replicas:
	 * a stable name for the shard, which a failover does not change.
	 */
	public OptionalInt firstSlotOfShard(RedisNode node) {
		RedisNode primary = primaryOf(node).orElse(null);
		for (int slot = 0; primary != null && slot < SLOTS; slot++) {
			if (primary.equals(this.owners[slot])) {
				return OptionalInt.of(slot);
			}
		}
		return OptionalInt.empty();
	}

	/** The slots a primary owns; empty for another node. */
	public BitSet slotsOf(RedisNode primary) {
		BitSet slots = new BitSet(SLOTS);
		for (int slot = 0; slot < SLOTS; slot++) {
			if (primary.equals(this.owners[slot])) {
				slots.set(slot);
			}
		}
		return slots;
	}

	/** The primary a replica belongs to, or the node itself if it is a primary; empty if unknown. */
	public Optional<RedisNode> primaryOf(RedisNode node) {
		if (this.primaries.contains(node)) {
			return Optional.of(node);
		}
		return this.replicasByPrimary.entrySet().stream()
			.filter((entry) -> entry.getValue().contains(node))
			.map(Map.Entry::getKey)
			.findFirst();
	}

	/** The primary that owns a key's slot (hash tags respected), if the slot is assigned. */
	public Optional<RedisNode> ownerOf(byte[] key) {
		return ownerOfSlot(slotOf(key));
	}

	/** The primary that owns a slot, if it is assigned. */
	public Optional<RedisNode> ownerOfSlot(int slot) {
		return Optional.ofNullable(this.owners[slot]);
	}


	/** Whether both assign every slot to the same primary (replicas are not compared). */
	public boolean sameAs(ClusterTopology other) {
		return other != null && Arrays.equals(this.owners, other.owners);
	}

	/** For logs: each primary with its slot ranges, e.g. {@code 10.0.0.1:6379 (slots 0-5460)}. */
	@Override
	public String toString() {
		Map<RedisNode, StringJoiner> ranges = new LinkedHashMap<>();
		int first = 0;
		for (int slot = 1; slot <= SLOTS; slot++) {
			if (slot == SLOTS || !Objects.equals(this.owners[slot], this.owners[first])) {
				if (this.owners[first] != null) {
					ranges.computeIfAbsent(this.owners[first], (node) -> new StringJoiner(","))
						.add((first == slot - 1) ? String.valueOf(first) : first + "-" + (slot - 1));
				}
				first = slot;
			}
		}
		StringJoiner text = new StringJoiner(", ", "primaries [", "]");
		ranges.forEach((node, slots) -> text.add(node + " (slots " + slots + ")"));
		return text.toString();
	}

}
