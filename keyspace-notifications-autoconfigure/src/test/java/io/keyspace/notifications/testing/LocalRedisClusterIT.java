package io.keyspace.notifications.testing;

import java.util.List;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisMovedDataException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** One cluster for the class; ordered because later tests change its topology. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalRedisClusterIT {

	@RegisterExtension
	static final RedisClusterExtension redis = RedisClusterExtension.create();

	@Test
	@Order(1)
	void formsThreePrimariesWithOneReplicaEach() {
		LocalRedisCluster cluster = redis.cluster();

		List<ClusterNode> primaries = cluster.primaries();
		assertThat(primaries).hasSize(3);
		assertThat(cluster.ownerOfSlot(0)).isEqualTo(primaries.get(0));
		assertThat(cluster.ownerOfSlot(5461)).isEqualTo(primaries.get(1));
		assertThat(cluster.ownerOfSlot(10923)).isEqualTo(primaries.get(2));
		assertThat(cluster.ownerOfSlot(16383)).isEqualTo(primaries.get(2));
		for (ClusterNode primary : primaries) {
			assertThat(cluster.replicasOf(primary)).hasSize(1);
		}
		assertThat(cluster.replicas()).hasSize(3).doesNotContainAnyElementsOf(primaries);
		assertThat(cluster.seedNodes()).hasSize(6).doesNotHaveDuplicates().allMatch((s) -> s.startsWith("127.0.0.1:"));
		for (ClusterNode node : cluster.nodes()) {
			try (Jedis jedis = node.jedis()) {
				assertThat(jedis.clusterInfo()).contains("cluster_state:ok", "cluster_known_nodes:6");
				assertThat(jedis.configGet("notify-keyspace-events").get("notify-keyspace-events")).contains("K", "E");
			}
		}
	}

	@Test
	@Order(2)
	void writesReachTheOwnerOnEveryPrimary() {
		LocalRedisCluster cluster = redis.cluster();
		for (ClusterNode primary : cluster.primaries()) {
			String key = cluster.keyOn(primary, "k:");
			assertThat(cluster.ownerOf(key)).isEqualTo(primary);

			cluster.set(key, "v-" + primary.port());

			try (Jedis jedis = primary.jedis()) {
				assertThat(jedis.get(key)).isEqualTo("v-" + primary.port());
			}
			assertThat(cluster.get(key)).isEqualTo("v-" + primary.port());
			assertThat(cluster.del(key)).isEqualTo(1);
			Boolean exists = cluster.onOwner(key, (jedis) -> jedis.exists(key));
			assertThat(exists).isFalse();
		}
	}

	@Test
	@Order(3)
	void failoverPromotesTheReplicaForTheSameSlots() {
		LocalRedisCluster cluster = redis.cluster();
		ClusterNode old = cluster.primaries().get(0);
		String key = cluster.keyOn(old, "failover:");
		cluster.set(key, "kept");

		ClusterNode promoted = cluster.failover(old);

		assertThat(promoted.id()).isNotEqualTo(old.id());
		assertThat(cluster.ownerOf(key)).isEqualTo(promoted);
		assertThat(cluster.ownerOfSlot(0)).isEqualTo(promoted);
		assertThat(cluster.primaries()).hasSize(3).doesNotContain(old);
		assertThat(cluster.replicasOf(promoted)).extracting(ClusterNode::id).containsExactly(old.id());
		assertThat(cluster.get(key)).isEqualTo("kept");
	}

	@Test
	@Order(4)
	void killPrimaryPromotesItsReplicaAndTheKilledNodeRejoinsAsReplica() {
		LocalRedisCluster cluster = redis.cluster();
		ClusterNode victim = cluster.primaries().get(1);
		String key = cluster.keyOn(victim, "kill:");
		cluster.set(key, "survives");
		try (Jedis jedis = victim.jedis()) {
			// Replication is asynchronous: make sure the replica has the key before the kill.
			assertThat(jedis.waitReplicas(1, 5000)).isEqualTo(1);
		}

		ClusterNode promoted = cluster.killPrimary(victim);

		assertThat(victim.server().isRunning()).isFalse();
		assertThat(promoted.id()).isNotEqualTo(victim.id());
		assertThat(cluster.ownerOf(key)).isEqualTo(promoted);
		assertThat(cluster.get(key)).isEqualTo("survives");
		assertThat(cluster.seedNodes()).hasSize(5).doesNotContain(victim.hostAndPort());

		ClusterNode back = cluster.restart(victim);
		assertThat(back.port()).isEqualTo(victim.port());
		assertThat(cluster.replicasOf(promoted)).extracting(ClusterNode::id).containsExactly(victim.id());
	}

	@Test
	@Order(5)
	void addPrimaryAndMoveSlotsMovesKeysAndOwnership() {
		LocalRedisCluster cluster = redis.cluster();
		ClusterNode source = cluster.primaries().get(2);
		String moved = cluster.keyOn(source, "move:");
		int slot = cluster.slot(moved);
		String stays = cluster.keyOn(source, "stay:");
		while (cluster.slot(stays) == slot) {
			stays = cluster.keyOn(source, "stay:" + stays);
		}
		cluster.set(moved, "m");
		cluster.set(stays, "s");

		ClusterNode added = cluster.addPrimary();
		assertThat(cluster.nodes()).contains(added);
		assertThat(cluster.primaries()).doesNotContain(added);

		cluster.moveSlots(source, added, slot, slot);

		assertThat(cluster.ownerOf(moved)).isEqualTo(added);
		assertThat(cluster.ownerOf(stays)).isEqualTo(source);
		assertThat(cluster.primaries()).hasSize(4).contains(added);
		try (Jedis jedis = added.jedis()) {
			assertThat(jedis.get(moved)).isEqualTo("m");
		}
		try (Jedis jedis = source.jedis()) {
			String key = moved;
			assertThatExceptionOfType(JedisMovedDataException.class).isThrownBy(() -> jedis.get(key));
			assertThat(jedis.get(stays)).isEqualTo("s");
		}
		assertThat(cluster.get(moved)).isEqualTo("m");
	}

}
