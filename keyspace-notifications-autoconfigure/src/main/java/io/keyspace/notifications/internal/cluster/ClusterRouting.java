package io.keyspace.notifications.internal.cluster;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.keyspace.notifications.RedisNode;
import io.keyspace.notifications.channel.NotificationChannel;

/**
 * Which primary carries which channel, and what changes on each node when the topology or
 * the wanted channels change. Pure: no connections, no state, so every case is a table row
 * in a unit test.
 * <p>
 * Keyspace events never cross the cluster bus: a channel for one exact key goes only to the
 * primary owning the key's slot (and, during a slot migration, to the node importing it),
 * every other channel (patterns, event channels) to every primary.
 */
public final class ClusterRouting {

	private ClusterRouting() {
	}

	/**
	 * The nodes that must carry a channel: every primary, or for an exact key the owner of its
	 * slot and, while the slot is being migrated, the node importing it (a key moved there is
	 * written there before the slot changes hands). Empty when the key's slot has no owner.
	 */
	public static Set<RedisNode> nodesFor(NotificationChannel channel, ClusterTopology topology) {
		return channel.exactKey()
			.map((key) -> nodesForSlot(ClusterTopology.slotOf(key.getBytes(StandardCharsets.UTF_8)), topology))
			.orElseGet(topology::primaries);
	}

	private static Set<RedisNode> nodesForSlot(int slot, ClusterTopology topology) {
		Set<RedisNode> nodes = new LinkedHashSet<>(2);
		topology.ownerOfSlot(slot).ifPresent(nodes::add);
		topology.importingNode(slot).ifPresent(nodes::add);
		return nodes;
	}

	/** Every channel on the primaries that must carry it. */
	public static Map<RedisNode, Set<NotificationChannel>> route(Collection<NotificationChannel> channels,
			ClusterTopology topology) {
		Map<RedisNode, Set<NotificationChannel>> byNode = new LinkedHashMap<>();
		for (NotificationChannel channel : channels) {
			for (RedisNode node : nodesFor(channel, topology)) {
				byNode.computeIfAbsent(node, (n) -> new LinkedHashSet<>()).add(channel);
			}
		}
		return byNode;
	}

	/**
	 * Adds stand-ins: the replicas of each primary whose connection is down carry that
	 * primary's channels too. A replica publishes the events of the writes it applies, and the
	 * one promoted in the primary's place is then already subscribed, so nothing written after
	 * the promotion is missed; the price is that the same change may arrive twice around a
	 * switch (from a replica and from its primary when the primary was only cut off from us).
	 * @param routing the routing to extend, changed in place
	 * @param down primaries whose connection is down
	 * @return {@code routing}
	 */
	public static Map<RedisNode, Set<NotificationChannel>> withStandIns(Map<RedisNode, Set<NotificationChannel>> routing,
			ClusterTopology topology, Set<RedisNode> down) {
		for (RedisNode primary : down) {
			Set<NotificationChannel> channels = routing.get(primary);
			if (channels == null) {
				continue;
			}
			for (RedisNode replica : topology.replicasOf(primary)) {
				routing.computeIfAbsent(replica, (n) -> new LinkedHashSet<>()).addAll(channels);
			}
		}
		return routing;
	}

	/**
	 * What turns the current assignment into the wanted one.
	 * @param current the channels each node carries now
	 * @param wanted the channels each node should carry
	 */
	public static Changes diff(Map<RedisNode, Set<NotificationChannel>> current,
			Map<RedisNode, Set<NotificationChannel>> wanted) {
		Map<RedisNode, List<NotificationChannel>> subscribe = new LinkedHashMap<>();
		Map<RedisNode, List<NotificationChannel>> unsubscribe = new LinkedHashMap<>();
		Set<RedisNode> close = new LinkedHashSet<>();
		current.forEach((node, channels) -> {
			Set<NotificationChannel> keep = wanted.get(node);
			if (keep == null) {
				close.add(node);
				return;
			}
			List<NotificationChannel> stale = channels.stream().filter((channel) -> !keep.contains(channel)).toList();
			if (!stale.isEmpty()) {
				unsubscribe.put(node, stale);
			}
		});
		wanted.forEach((node, channels) -> {
			Set<NotificationChannel> has = current.getOrDefault(node, Set.of());
			List<NotificationChannel> missing = channels.stream().filter((channel) -> !has.contains(channel)).toList();
			if (!missing.isEmpty()) {
				subscribe.put(node, missing);
			}
		});
		return new Changes(subscribe, unsubscribe, close);
	}

	/**
	 * Per-node changes.
	 *
	 * @param subscribe channels to add, per node (a node not connected yet is opened)
	 * @param unsubscribe channels to remove from nodes that keep others
	 * @param close nodes that carry nothing anymore
	 */
	public record Changes(Map<RedisNode, List<NotificationChannel>> subscribe,
			Map<RedisNode, List<NotificationChannel>> unsubscribe, Set<RedisNode> close) {

		public boolean isEmpty() {
			return this.subscribe.isEmpty() && this.unsubscribe.isEmpty() && this.close.isEmpty();
		}

	}

}
