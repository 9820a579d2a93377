package io.keyspace.notifications.testing;

import java.time.Duration;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** One master/replica pair for the class; ordered because the second test swaps the roles. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalMasterReplicaIT {

	@RegisterExtension
	static final RedisMasterReplicaExtension redis = RedisMasterReplicaExtension.create();

	@Test
	@Order(1)
	void startsAMasterWithAReplicaInSync() {
		LocalMasterReplica pair = redis.masterReplica();
		RedisServer master = pair.master();
		RedisServer replica = pair.replica();

		assertThat(pair.nodes()).containsExactly(master, replica);
		assertThat(pair.seedNodes()).containsExactly(master.hostAndPort(), replica.hostAndPort());
		try (Jedis jedis = master.jedis()) {
			assertThat(jedis.role().get(0)).isEqualTo("master");
			assertThat(jedis.configGet("notify-keyspace-events").get("notify-keyspace-events")).contains("K", "E", "A");
			jedis.set("k", "v");
		}
		try (Jedis jedis = replica.jedis()) {
			assertThat(jedis.role()).startsWith("slave", "127.0.0.1", (long) master.port());
			await().atMost(Duration.ofSeconds(5)).until(() -> "v".equals(jedis.get("k")));
		}
	}

	@Test
	@Order(2)
	void promoteReplicaSwapsTheRolesAndTheyLastAcrossARestart() {
		LocalMasterReplica pair = redis.masterReplica();
		RedisServer oldMaster = pair.master();
		RedisServer oldReplica = pair.replica();

		RedisServer promoted = pair.promoteReplica();

		assertThat(promoted).isSameAs(oldReplica);
		assertThat(pair.master()).isSameAs(oldReplica);
		assertThat(pair.replica()).isSameAs(oldMaster);
		try (Jedis jedis = promoted.jedis()) {
			assertThat(jedis.role().get(0)).isEqualTo("master");
			assertThat(jedis.get("k")).isEqualTo("v");
			jedis.set("after", "promotion");
		}
		try (Jedis jedis = oldMaster.jedis()) {
			await().atMost(Duration.ofSeconds(5)).until(() -> "promotion".equals(jedis.get("after")));
		}

		// CONFIG REWRITE recorded the new role: the old master restarts as a replica, not as a second master.
		oldMaster.kill();
		oldMaster.start();
		assertThat(pair.master()).isSameAs(promoted);
		try (Jedis jedis = oldMaster.jedis()) {
			assertThat(jedis.role()).startsWith("slave", "127.0.0.1", (long) promoted.port());
			assertThat(jedis.get("after")).isEqualTo("promotion");
		}
	}

}
