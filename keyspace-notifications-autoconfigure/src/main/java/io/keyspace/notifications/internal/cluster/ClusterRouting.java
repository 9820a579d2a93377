package io.keyspace.notifications.internal.cluster;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.keyspace.notifications.ReadFrom;
import io.keyspace.notifications.RedisNode;
import io.keyspace.notifications.channel.NotificationChannel;

/**
 * Which primary carries which channel, and what changes on each node when the topology or
 * the wanted channels change. Pure: no connections, no state, so every case is a table row
 * in a unit test.
 * <p>
 * Keyspace events never cross the cluster bus, so every channel goes to every primary, a
 * channel for one exact key too: a node publishes only for the keys it holds, so the others
 * cost a subscription each and nothing on the wire, and a key whose slot migrates is already
 * subscribed on the node it moves to, however fast or in whatever order the nodes learn of
 * the move. Each primary's channels
 * are then read from the primary or from one of its replicas ({@link #reading}). A Sentinel
 * or master/replica setup is one shard: a primary owning every slot.
 */
public final class ClusterRouting {

	private static final Comparator<RedisNode> BY_ADDRESS = Comparator.comparing(RedisNode::host)
		.thenComparingInt(RedisNode::port);

	private ClusterRouting() {
	}

	/** Every channel on every primary. */
	public static Map<RedisNode, Set<NotificationChannel>> route(Collection<NotificationChannel> channels,
			ClusterTopology topology) {
		Map<RedisNode, Set<NotificationChannel>> byNode = new LinkedHashMap<>();
		if (!channels.isEmpty()) {
			topology.primaries().forEach((primary) -> byNode.put(primary, new LinkedHashSet<>(channels)));
		}
		return byNode;
	}

	/**
	 * Moves each primary's channels to the node its shard is read from, as {@code readFrom}
	 * says: the primary, or one replica (the first by address whose connection is not down,
	 * so every refresh picks the same one).
	 * <p>
	 * Stand-ins: while the connection of a shard's primary is down and the primary is the
	 * node read, its replicas carry its channels too. A replica publishes the events of the
	 * writes it applies, and the one promoted in the primary's place is then already
	 * subscribed, so nothing written after the promotion is missed; the price is that the same
	 * change may arrive twice around a switch (from a replica and from its primary when the
	 * primary was only cut off from us). When every replica of a shard read from replicas is
	 * down, all of them keep its channels, so the first one back delivers.
	 * @param byPrimary the channels of each primary, as {@link #route} gives them
	 * @param down nodes whose connection is down
	 */
	public static Reading reading(Map<RedisNode, Set<NotificationChannel>> byPrimary, ClusterTopology topology,
			ReadFrom readFrom, Set<RedisNode> down) {
		Map<RedisNode, Set<NotificationChannel>> nodes = new LinkedHashMap<>();
		Set<RedisNode> standIns = new LinkedHashSet<>();
		byPrimary.forEach((primary, channels) -> {
			List<RedisNode> read = readersOf(primary, topology, readFrom, down);
			for (int i = 0; i < read.size(); i++) {
				nodes.computeIfAbsent(read.get(i), (n) -> new LinkedHashSet<>()).addAll(channels);
				if (i > 0) {
					standIns.add(read.get(i));
				}
			}
		});
		return new Reading(nodes, standIns);
	}

	/**
	 * The nodes a primary's channels are read from, as {@link #reading} says: the node read
	 * first, then the stand-ins.
	 */
	private static List<RedisNode> readersOf(RedisNode primary, ClusterTopology topology, ReadFrom readFrom,
			Set<RedisNode> down) {
		Set<RedisNode> ofPrimary = topology.replicasOf(primary);
		if (ofPrimary.isEmpty()) {
			return List.of(primary); // nobody to stand in, nothing else to read
		}
		List<RedisNode> replicas = new ArrayList<>(ofPrimary);
		replicas.sort(BY_ADDRESS);
		RedisNode firstLive = null;
		for (RedisNode replica : replicas) {
			if (!down.contains(replica)) {
				firstLive = replica;
				break;
			}
		}
		if (readFrom == ReadFrom.PRIMARY || (firstLive == null && readFrom == ReadFrom.REPLICA_PREFERRED)) {
			List<RedisNode> read = new ArrayList<>(List.of(primary));
			if (down.contains(primary)) {
				read.addAll(replicas);
			}
			return read;
		}
		return (firstLive == null) ? replicas : List.of(firstLive);
	}

	/**
	 * Where new channels go, and which of those nodes a subscription waits for, in one pass:
	 * the nodes of {@link #reading} applied to {@link #route}, and of {@link #reading} applied
	 * to the primaries that can deliver the channels now (the owner of an exact key's slot,
	 * every primary for any other channel; the others need not hold up the caller). Every channel goes to every node listed, so nothing is built
	 * per channel but an exact key's slot: a subscribe call costs the same whatever is
	 * subscribed already, and little for one channel.
	 * @param down nodes whose connection is down
	 */
	public static Spread spread(Collection<NotificationChannel> channels, ClusterTopology topology, ReadFrom readFrom,
			Set<RedisNode> down) {
		Set<RedisNode> nodes = new LinkedHashSet<>();
		Set<RedisNode> awaited = new LinkedHashSet<>();
		if (channels.isEmpty()) {
			return new Spread(nodes, awaited);
		}
		Map<RedisNode, List<RedisNode>> readers = new LinkedHashMap<>();
		for (RedisNode primary : topology.primaries()) {
			List<RedisNode> read = readersOf(primary, topology, readFrom, down);
			readers.put(primary, read);
			nodes.addAll(read);
		}
		for (NotificationChannel channel : channels) {
			Optional<String> key = channel.exactKey();
			if (key.isEmpty()) {
				awaited.addAll(nodes);
			}
			else {
				topology.ownerOf(key.get().getBytes(StandardCharsets.UTF_8))
					.ifPresent((owner) -> awaited.addAll(
							readers.computeIfAbsent(owner, (primary) -> readersOf(primary, topology, readFrom, down))));
			}
		}
		return new Spread(nodes, awaited);
	}

	/**
	 * New channels' nodes.
	 *
	 * @param nodes the nodes that carry every one of the channels
	 * @param awaited the nodes among them whose confirmation a subscription waits for
	 */
	public record Spread(Set<RedisNode> nodes, Set<RedisNode> awaited) {
	}

	/**
	 * The nodes to read and what each carries.
	 *
	 * @param nodes the channels of each node read
	 * @param standIns the nodes among them that only stand in for a node that is down, so
	 * they do not count when asking whether every shard is delivering
	 */
	public record Reading(Map<RedisNode, Set<NotificationChannel>> nodes, Set<RedisNode> standIns) {
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
