package io.keyspace.notifications.internal.cluster;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import io.keyspace.notifications.RedisNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ClusterTopologyTest {

	private static final RedisNode A = new RedisNode("10.0.0.1", 7000);

	private static final RedisNode B = new RedisNode("10.0.0.2", 7001);

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

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
