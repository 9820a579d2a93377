package io.keyspace.notifications.internal.resync;

import java.util.Map;
import java.util.Set;

import io.keyspace.notifications.RedisNode;
import io.keyspace.notifications.internal.cluster.ClusterTopology;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TopologyTargetsTest {

	private static final RedisNode A = new RedisNode("10.0.0.1", 7000);

	private static final RedisNode B = new RedisNode("10.0.0.2", 7000);

	private static final RedisNode C = new RedisNode("10.0.0.3", 7000);

	private static final RedisNode A_REPLICA = new RedisNode("10.0.0.4", 7000);

	private final ClusterTopology before = ClusterTopology
		.of(Map.of(A, new int[] { 0, 5460 }, B, new int[] { 5461, 10922 }, C, new int[] { 10923, 16383 }))
		.withReplicas(Map.of(A, Set.of(A_REPLICA)));

	private final TopologyTargets targets = new TopologyTargets(false);

	@Test
	void aPrimarysGapRescansThatPrimaryWithItsSlots() {
		this.targets.remember(this.before);
		assertThat(this.targets.afterGapOn(B.toString())).singleElement().satisfies((target) -> {
			assertThat(target.node()).isEqualTo(B);
			assertThat(target.slots().cardinality()).isEqualTo(10922 - 5461 + 1);
			assertThat(target.owns(key(5461))).isTrue();
			assertThat(target.owns(key(0))).isFalse();
		});
		assertThat(this.targets.all()).extracting(ResyncTarget::node).containsExactly(A, B, C);
	}

	@Test
	void aPrimaryReplacedByItsReplicaRescansOnlyTheReplica() {
		this.targets.remember(this.before);
		this.targets.remember(ClusterTopology
			.of(Map.of(A_REPLICA, new int[] { 0, 5460 }, B, new int[] { 5461, 10922 }, C, new int[] { 10923, 16383 })));
		assertThat(this.targets.afterGapOn(A.toString())).extracting(ResyncTarget::node).containsExactly(A_REPLICA);
	}

	@Test
	void aReplicasGapRescansItsPrimaryAndAnUnknownNodeEveryPrimary() {
		this.targets.remember(this.before);
		assertThat(this.targets.afterGapOn(A_REPLICA.toString())).extracting(ResyncTarget::node).containsExactly(A);
		assertThat(this.targets.afterGapOn("10.9.9.9:1")).extracting(ResyncTarget::node).containsExactly(A, B, C);
	}

	@Test
	void oneShardOwnsEveryKeyAndAnOldMastersGapGoesToTheNewMaster() {
		TopologyTargets oneShard = new TopologyTargets(true);
		assertThat(oneShard.afterGapOn(A.toString())).as("no topology yet").isEmpty();
		oneShard.remember(ClusterTopology.singleShard(A, Set.of(A_REPLICA)));
		oneShard.remember(ClusterTopology.singleShard(A_REPLICA, Set.of(A)));
		assertThat(oneShard.afterGapOn(A.toString())).singleElement().satisfies((target) -> {
			assertThat(target.node()).isEqualTo(A_REPLICA);
			assertThat(target.slots()).isNull();
			assertThat(target.owns(key(9))).isTrue();
		});
	}

	/** A key whose hash slot is {@code slot}. */
	private static byte[] key(int slot) {
		for (int i = 0;; i++) {
			byte[] key = ("k" + i).getBytes();
			if (ClusterTopology.slotOf(key) == slot) {
				return key;
			}
		}
	}

}
