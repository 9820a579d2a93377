package io.keyspace.notifications.internal.cluster;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.keyspace.notifications.RedisNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ClusterTopologyTest {

	private static final RedisNode A = new RedisNode("10.0.0.1", 7000);

	private static final RedisNode B = new RedisNode("10.0.0.2", 7001);

	private static final RedisNode B_REPLICA = new RedisNode("10.0.0.3", 7002);

	@Test
	void parsesClusterSlotsWithSplitRangesReplicasAndTheAskedNodesOwnAddress() {
		// What CLUSTER SLOTS looks like after slots 100-199 moved from A to B; B's replica
		// is listed after B, and the answering node A gives its own host as "".
		List<Object> reply = List.of(range(0, 99, address("", 7000)),
				range(100, 199, address("10.0.0.2", 7001), address("10.0.0.3", 7002)),
				range(200, 16383, address("?", 7000)));

		ClusterTopology topology = ClusterTopologyReader.parse(reply, new RedisNode("10.0.0.1", 6379));

		assertThat(topology.primaries()).containsExactly(A, B);
		assertThat(topology.replicas()).containsExactly(B_REPLICA);
		// "user" hashes to slot 5474, "k78" to slot 195.
		assertThat(topology.ownerOf(bytes("{user}:1"))).contains(A);
		assertThat(topology.ownerOf(bytes("{k78}:1"))).contains(B);
		assertThat(topology.toString())
			.isEqualTo("primaries [10.0.0.1:7000 (slots 0-99,200-16383), 10.0.0.2:7001 (slots 100-199)]");
	}

	@Test
	void unassignedSlotsHaveNoOwnerAndEqualTablesAreTheSame() {
		ClusterTopology partial = ClusterTopology.of(Map.of(A, new int[] { 0, 8191 }));
		// "a" hashes to slot 15495, "{a}b" too; "b" to slot 3300.
		assertThat(partial.ownerOf(bytes("{a}b"))).isEmpty();
		assertThat(partial.ownerOf(bytes("b"))).contains(A);
		assertThat(partial.sameAs(ClusterTopology.of(Map.of(A, new int[] { 0, 8191 })))).isTrue();
		assertThat(partial.sameAs(ClusterTopology.of(Map.of(B, new int[] { 0, 8191 })))).isFalse();
		assertThat(partial.sameAs(null)).isFalse();
		assertThat(partial).hasToString("primaries [10.0.0.1:7000 (slots 0-8191)]");
	}

	private static List<Object> range(long first, long last, List<?>... nodes) {
		List<Object> entry = new ArrayList<>(List.of(first, last));
		entry.addAll(List.of(nodes));
		return entry;
	}

	private static List<Object> address(String host, long port) {
		return List.of(bytes(host), port, bytes("id-" + port));
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
