package io.keyspace.notifications.internal.cluster;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import io.keyspace.notifications.ReadFrom;
import io.keyspace.notifications.RedisNode;
import io.keyspace.notifications.channel.KeyeventChannel;
import io.keyspace.notifications.channel.KeyspaceChannel;
import io.keyspace.notifications.channel.NotificationChannel;
import io.keyspace.notifications.channel.SubkeyspaceitemChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import redis.clients.jedis.util.JedisClusterCRC16;

import static org.assertj.core.api.Assertions.assertThat;

/** Routing and the per-node diff as a table: topology before, topology after, what changes where. */
class ClusterRoutingTest {

	private static final RedisNode A = new RedisNode("10.0.0.1", 7000);

	private static final RedisNode B = new RedisNode("10.0.0.2", 7000);

	private static final RedisNode C = new RedisNode("10.0.0.3", 7000);

	private static final RedisNode A_REPLICA = new RedisNode("10.0.0.4", 7000);

	private static final RedisNode R1 = new RedisNode("10.0.0.6", 7000);

	private static final RedisNode R2 = new RedisNode("10.0.0.7", 7000);

	/** A key in slot 100, so in the first range of every topology below. */
	private static final String LOW_KEY = keyInSlotRange(0, 4000);

	/** A key in the middle ranges, which move in the slot-move rows. */
	private static final String MID_KEY = keyInSlotRange(6000, 8000);

	private static final NotificationChannel PATTERN = new KeyspaceChannel("user:*");

	private static final NotificationChannel EVENT = new KeyeventChannel("expired");

	private static final NotificationChannel EXACT_LOW = new KeyspaceChannel(LOW_KEY);

	private static final NotificationChannel EXACT_MID = new KeyspaceChannel(MID_KEY);

	private static final NotificationChannel FIELD_OF_MID = new SubkeyspaceitemChannel(MID_KEY, "f*");

	private static final List<NotificationChannel> ALL = List.of(PATTERN, EVENT, EXACT_LOW, EXACT_MID, FIELD_OF_MID);

	private static final ClusterTopology TWO = topology(A, 0, 8191, B, 8192, 16383);

	static Stream<Arguments> changes() {
		return Stream.of(
				Arguments.of("nothing changed", TWO, TWO, Map.of(), Map.of(), Set.of()),
				Arguments.of("slots moved from A to B: every channel stays on both, exact keys included",
						TWO, topology(A, 0, 4999, B, 5000, 16383), Map.of(), Map.of(), Set.of()),
				Arguments.of("primary C added with slots: it gets every channel",
						TWO, topology(A, 0, 5000, C, 5001, 9999, B, 10000, 16383), Map.of(C, ALL), Map.of(), Set.of()),
				Arguments.of("primary B removed, its slots taken by A: B closed",
						TWO, topology(A, 0, 16383, null, 0, -1), Map.of(), Map.of(), Set.of(B)),
				Arguments.of("A failed over to its replica: A closed, the replica gets all of A's",
						TWO, topology(A_REPLICA, 0, 8191, B, 8192, 16383), Map.of(A_REPLICA, ALL), Map.of(), Set.of(A)));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("changes")
	void appliesTheDifferencePerNode(String name, ClusterTopology before, ClusterTopology after,
			Map<RedisNode, List<NotificationChannel>> subscribe, Map<RedisNode, List<NotificationChannel>> unsubscribe,
			Set<RedisNode> close) {
		ClusterRouting.Changes changes = ClusterRouting.diff(ClusterRouting.route(ALL, before),
				ClusterRouting.route(ALL, after));

		assertThat(changes.subscribe()).containsOnlyKeys(subscribe.keySet());
		subscribe.forEach((node, channels) -> assertThat(changes.subscribe().get(node))
			.containsExactlyInAnyOrderElementsOf(channels));
		assertThat(changes.unsubscribe()).containsOnlyKeys(unsubscribe.keySet());
		unsubscribe.forEach((node, channels) -> assertThat(changes.unsubscribe().get(node))
			.containsExactlyInAnyOrderElementsOf(channels));
		assertThat(changes.close()).containsExactlyInAnyOrderElementsOf(close);
		assertThat(changes.isEmpty()).isEqualTo(subscribe.isEmpty() && unsubscribe.isEmpty() && close.isEmpty());
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("changes")
	void applyingTheDifferenceGivesTheNewRouting(String name, ClusterTopology before, ClusterTopology after) {
		Map<RedisNode, Set<NotificationChannel>> current = copy(ClusterRouting.route(ALL, before));
		Map<RedisNode, Set<NotificationChannel>> wanted = ClusterRouting.route(ALL, after);
		ClusterRouting.Changes changes = ClusterRouting.diff(current, wanted);

		changes.close().forEach(current::remove);
		changes.unsubscribe().forEach((node, channels) -> current.get(node).removeAll(channels));
		changes.subscribe()
			.forEach((node, channels) -> current.computeIfAbsent(node, (n) -> new LinkedHashSet<>()).addAll(channels));

		assertThat(current).isEqualTo(wanted);
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("changes")
	void everyChannelGoesToEveryPrimaryExactKeysIncluded(String name, ClusterTopology before, ClusterTopology topology) {
		Map<RedisNode, Set<NotificationChannel>> routing = ClusterRouting.route(ALL, topology);

		assertThat(routing).containsOnlyKeys(topology.primaries());
		routing.values().forEach((channels) -> assertThat(channels).containsExactlyElementsOf(ALL));
		assertThat(ClusterRouting.route(List.of(), topology)).isEmpty();
	}

	@Test
	void theReplicasOfADisconnectedPrimaryStandInWithItsChannels() {
		ClusterTopology topology = TWO.withReplicas(Map.of(A, Set.of(A_REPLICA), B, Set.of()));
		Map<RedisNode, Set<NotificationChannel>> routing = ClusterRouting.route(ALL, topology);

		ClusterRouting.Reading reading = ClusterRouting.reading(routing, topology, ReadFrom.PRIMARY, Set.of(A, B));

		assertThat(reading.nodes().get(A_REPLICA)).isEqualTo(reading.nodes().get(A))
			.containsExactlyInAnyOrder(PATTERN, EVENT, EXACT_LOW, EXACT_MID, FIELD_OF_MID);
		assertThat(reading.nodes()).containsOnlyKeys(A, B, A_REPLICA);
		assertThat(reading.standIns()).containsExactly(A_REPLICA);
		assertThat(ClusterRouting.reading(routing, topology, ReadFrom.PRIMARY, Set.of()).nodes()).containsOnlyKeys(A, B);
	}

	/** Which nodes read shard A (replicas R1 < R2 by address) and which of them only stand in. */
	static Stream<Arguments> readFrom() {
		return Stream.of(
				Arguments.of(ReadFrom.PRIMARY, Set.of(), List.of(A), List.of()),
				Arguments.of(ReadFrom.PRIMARY, Set.of(A), List.of(A, R1, R2), List.of(R1, R2)),
				Arguments.of(ReadFrom.REPLICA, Set.of(), List.of(R1), List.of()),
				Arguments.of(ReadFrom.REPLICA, Set.of(R1), List.of(R2), List.of()),
				Arguments.of(ReadFrom.REPLICA, Set.of(A), List.of(R1), List.of()),
				Arguments.of(ReadFrom.REPLICA, Set.of(R1, R2), List.of(R1, R2), List.of(R2)),
				Arguments.of(ReadFrom.REPLICA_PREFERRED, Set.of(), List.of(R1), List.of()),
				Arguments.of(ReadFrom.REPLICA_PREFERRED, Set.of(R1), List.of(R2), List.of()),
				Arguments.of(ReadFrom.REPLICA_PREFERRED, Set.of(R1, R2), List.of(A), List.of()),
				Arguments.of(ReadFrom.REPLICA_PREFERRED, Set.of(A, R1, R2), List.of(A, R1, R2), List.of(R1, R2)));
	}

	@ParameterizedTest(name = "{0}, down {1}: read {2}, stand-ins {3}")
	@MethodSource
	void readFrom(ReadFrom readFrom, Set<RedisNode> down, List<RedisNode> read, List<RedisNode> standIns) {
		ClusterTopology topology = TWO.withReplicas(Map.of(A, Set.of(R2, R1)));
		Map<RedisNode, Set<NotificationChannel>> routing = ClusterRouting.route(List.of(PATTERN, EXACT_LOW), topology);

		ClusterRouting.Reading reading = ClusterRouting.reading(routing, topology, readFrom, down);

		Set<RedisNode> shardA = Set.of(A, R1, R2);
		assertThat(reading.nodes().keySet().stream().filter(shardA::contains)).containsExactlyElementsOf(read);
		read.forEach((node) -> assertThat(reading.nodes().get(node)).containsExactly(PATTERN, EXACT_LOW));
		assertThat(reading.standIns()).containsExactlyElementsOf(standIns);
		assertThat(reading.nodes().get(B)).as("B has no replica: read from B whatever readFrom says")
			.containsExactly(PATTERN, EXACT_LOW);
	}

	/**
	 * What a subscribe call places in one pass is what routing, reading and delivering say:
	 * every channel on every node read, and awaited where it can be delivered now.
	 */
	@ParameterizedTest(name = "{0}, down {1}")
	@MethodSource("readFrom")
	void spreadIsReadingOfRouteAndAwaitsReadingOfDeliveringNow(ReadFrom readFrom, Set<RedisNode> down) {
		ClusterTopology topology = topology(A, 0, 5000, C, 5001, 9999, B, 10000, 16383)
			.withReplicas(Map.of(A, Set.of(R2, R1), B, Set.of(A_REPLICA)));
		for (List<NotificationChannel> channels : List.of(List.of(EXACT_LOW), List.of(EXACT_MID), List.of(PATTERN),
				List.of(EXACT_LOW, EXACT_MID), ALL, List.<NotificationChannel>of())) {
			ClusterRouting.Spread spread = ClusterRouting.spread(channels, topology, readFrom, down);

			assertThat(spread.nodes()).as("%s", channels).containsExactlyElementsOf(
					ClusterRouting.reading(ClusterRouting.route(channels, topology), topology, readFrom, down).nodes().keySet());
			assertThat(spread.awaited()).as("%s", channels).containsExactlyInAnyOrderElementsOf(ClusterRouting
				.reading(deliveringNow(channels, topology), topology, readFrom, down).nodes().keySet());
		}
		assertThat(ClusterRouting.spread(List.of(EXACT_LOW), topology, readFrom, down).awaited())
			.as("an exact key waits for its shard only")
			.isSubsetOf(A, R1, R2);
	}

	@Test
	void aOneShardTopologyReadsEveryChannelFromItsPrimaryOrOneReplica() {
		ClusterTopology topology = ClusterTopology.singleShard(A, Set.of(R1));

		assertThat(ClusterRouting.route(ALL, topology)).containsOnlyKeys(A);
		assertThat(ClusterRouting.route(ALL, topology).get(A)).containsExactlyElementsOf(ALL);
		assertThat(ClusterRouting.reading(ClusterRouting.route(ALL, topology), topology, ReadFrom.REPLICA, Set.of())
			.nodes()).containsOnlyKeys(R1);
	}

	private static Map<RedisNode, Set<NotificationChannel>> copy(Map<RedisNode, Set<NotificationChannel>> routing) {
		Map<RedisNode, Set<NotificationChannel>> copy = new LinkedHashMap<>();
		routing.forEach((node, channels) -> copy.put(node, new LinkedHashSet<>(channels)));
		return copy;
	}

	/** Up to three primaries with one inclusive slot range each; a null node is left out. */
	private static ClusterTopology topology(Object... nodesAndRanges) {
		Map<RedisNode, int[]> ranges = new LinkedHashMap<>();
		for (int i = 0; i < nodesAndRanges.length; i += 3) {
			if (nodesAndRanges[i] != null) {
				ranges.put((RedisNode) nodesAndRanges[i],
						new int[] { (int) nodesAndRanges[i + 1], (int) nodesAndRanges[i + 2] });
			}
		}
		return ClusterTopology.of(ranges);
	}

	private static String keyInSlotRange(int first, int last) {
		for (int i = 0;; i++) {
			int slot = JedisClusterCRC16.getSlot("key:" + i);
			if (slot >= first && slot <= last) {
				return "key:" + i;
			}
		}
	}

	/**
	 * The reference for what a subscription waits for, channel by channel: the primaries that
	 * can deliver a channel now, the owner of an exact key's slot, every primary for any other.
	 */
	private static Map<RedisNode, Set<NotificationChannel>> deliveringNow(Collection<NotificationChannel> channels,
			ClusterTopology topology) {
		Map<RedisNode, Set<NotificationChannel>> byNode = new LinkedHashMap<>();
		for (NotificationChannel channel : channels) {
			Set<RedisNode> nodes = channel.exactKey()
				.map((key) -> topology.ownerOf(key.getBytes(StandardCharsets.UTF_8)).map(Set::of).orElse(Set.of()))
				.orElseGet(topology::primaries);
			nodes.forEach((node) -> byNode.computeIfAbsent(node, (n) -> new LinkedHashSet<>()).add(channel));
		}
		return byNode;
	}

}
