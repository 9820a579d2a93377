package io.keyspace.notifications.internal.cluster;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.keyspace.notifications.RedisNode;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.BuilderFactory;
import redis.clients.jedis.resps.ClusterShardInfo;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Slot table replies in the RESP2 shapes a Redis 7.0 server sends (byte[] for bulk strings,
 * Long for integers, List for arrays), decoded by Jedis as {@code Jedis.clusterShards()} and
 * {@code Jedis.clusterSlots()} do.
 */
class SlotTableTest {

	private static final RedisNode ASKED = new RedisNode("10.0.0.1", 6379);

	private static final RedisNode A = new RedisNode("10.0.0.1", 7000);

	private static final RedisNode B = new RedisNode("10.0.0.2", 7001);

	private static final RedisNode B_REPLICA = new RedisNode("10.0.0.3", 7002);

	@Test
	void parsesClusterShardsWithSplitRangesReplicasAndAShardWithoutSlots() {
		// After slots 100-199 moved from A to B; B has a replica in sync and one that failed;
		// a primary just added owns no slots yet; A gives "?" as its endpoint.
		List<Object> reply = List.of(
				shard(List.of(0L, 99L, 200L, 16383L), node("id-a", "?", 7000, "master", "online")),
				shard(List.of(100L, 199L), node("id-b", "10.0.0.2", 7001, "master", "online"),
						node("id-b2", "10.0.0.3", 7002, "replica", "online"),
						node("id-b3", "10.0.0.4", 7003, "replica", "failed")),
				shard(List.of(), node("id-new", "10.0.0.5", 7004, "master", "online")));

		SlotTable table = SlotTable.fromShards(decode(reply), ASKED, false);

		assertSplitTable(table.topology());
	}

	@Test
	void aShardWithAFailedPrimaryBesideItsPromotedReplicaIsOwnedByThePromotedOne() {
		// Redis 7.2+ groups nodes by shard id: the dead primary stays in the shard, as a
		// failed master, until it comes back as a replica.
		List<Object> reply = List.of(shard(List.of(0L, 16383L), node("id-a", "10.0.0.1", 7000, "master", "failed"),
				node("id-b", "10.0.0.2", 7001, "master", "online")));

		ClusterTopology topology = SlotTable.fromShards(decode(reply), ASKED, false).topology();

		assertThat(topology.primaries()).containsExactly(B);
		assertThat(topology.replicas()).isEmpty();
	}

	@Test
	void aPrimaryThatFailedStillOwnsItsSlotsUntilAReplicaIsPromoted() {
		List<Object> reply = List.of(shard(List.of(0L, 16383L), node("id-a", "10.0.0.1", 7000, "master", "failed"),
				node("id-b", "10.0.0.2", 7001, "replica", "online")));

		ClusterTopology topology = SlotTable.fromShards(decode(reply), ASKED, false).topology();

		assertThat(topology.primaries()).containsExactly(A);
		assertThat(topology.replicasOf(A)).containsExactly(B);
	}

	@Test
	void aTlsConnectionUsesTheTlsPort() {
		List<Object> node = new ArrayList<>(node("id-a", "10.0.0.1", 6379, "master", "online"));
		node.addAll(List.of(bytes("tls-port"), 7000L));
		List<Object> reply = List.of(shard(List.of(0L, 16383L), node));
		List<Object> tlsOnly = List.of(shard(List.of(0L, 16383L),
				List.of(bytes("id"), bytes("id-a"), bytes("tls-port"), 7000L, bytes("endpoint"), bytes("10.0.0.1"),
						bytes("role"), bytes("master"), bytes("health"), bytes("online"))));

		assertThat(SlotTable.fromShards(decode(reply), ASKED, true).topology().primaries()).containsExactly(A);
		assertThat(SlotTable.fromShards(decode(reply), ASKED, false).topology().primaries())
			.containsExactly(new RedisNode("10.0.0.1", 6379));
		assertThat(SlotTable.fromShards(decode(tlsOnly), ASKED, false).topology().primaries()).containsExactly(A);
	}

	@Test
	void parsesClusterSlotsWithSplitRangesReplicasAndTheAskedNodesOwnAddress() {
		// The same table as CLUSTER SLOTS shows it: failed replicas and nodes without slots are
		// left out, and the answering node may give its own host as "" or "?".
		List<Object> reply = List.of(range(0, 99, address("", 7000, "id-a")),
				range(100, 199, address("10.0.0.2", 7001, "id-b"), address("10.0.0.3", 7002, "id-b2")),
				range(200, 16383, address("?", 7000, "id-a")));

		SlotTable table = SlotTable.fromSlots(reply, ASKED);

		assertSplitTable(table.topology());
	}

	private static void assertSplitTable(ClusterTopology topology) {
		assertThat(topology.primaries()).containsExactly(A, B);
		assertThat(topology.replicas()).containsExactly(B_REPLICA);
		assertThat(topology.replicasOf(B)).containsExactly(B_REPLICA);
		// "user" hashes to slot 5474, "k78" to slot 195.
		assertThat(topology.ownerOf(bytes("{user}:1"))).contains(A);
		assertThat(topology.ownerOf(bytes("{k78}:1"))).contains(B);
		assertThat(topology.toString())
			.isEqualTo("primaries [10.0.0.1:7000 (slots 0-99,200-16383), 10.0.0.2:7001 (slots 100-199)]");
	}

	private static List<ClusterShardInfo> decode(List<Object> reply) {
		return BuilderFactory.CLUSTER_SHARD_INFO_LIST.build(reply);
	}

	private static List<Object> shard(List<Long> slots, List<?>... nodes) {
		return List.of(bytes("slots"), slots, bytes("nodes"), List.of(nodes));
	}

	/** One node of a shard, with the fields in the order Redis 7.0 sends them. */
	private static List<Object> node(String id, String endpoint, long port, String role, String health) {
		return List.of(bytes("id"), bytes(id), bytes("port"), port, bytes("ip"), bytes(endpoint.replace("?", "10.0.0.1")),
				bytes("endpoint"), bytes(endpoint), bytes("role"), bytes(role), bytes("replication-offset"), 1234L,
				bytes("health"), bytes(health));
	}

	private static List<Object> range(long first, long last, List<?>... nodes) {
		List<Object> entry = new ArrayList<>(List.of(first, last));
		entry.addAll(List.of(nodes));
		return entry;
	}

	private static List<Object> address(String host, long port, String id) {
		return List.of(bytes(host), port, bytes(id));
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
