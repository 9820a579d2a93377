package io.keyspace.notifications.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import io.keyspace.notifications.KeyspaceNotifications;
import io.keyspace.notifications.MasterReplicaKeyspaceNotifications;
import io.keyspace.notifications.autoconfigure.PromotionUnderLoad.Recorder;
import io.keyspace.notifications.testing.MasterFollowingWriter;
import io.keyspace.notifications.testing.RedisMasterReplicaExtension;
import io.keyspace.notifications.testing.RedisServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.data.redis.connection.RedisConnectionFactory;

import static org.awaitility.Awaitility.await;
import static org.mockito.Mockito.mock;

/**
 * A group handler on a master/replica setup without Sentinel while about 1,500 SET/s of
 * distinct keys go to whichever node is master, and the replica is promoted the operator's way
 * ({@code REPLICAOF NO ONE}, then the old master {@code REPLICAOF} the new one): every write the
 * new master acknowledged once its subscription was confirmed is handled by the group, and every
 * other write a master acknowledged is handled at least once or falls in a gap the application was
 * told about for that node and time (the promotion's {@code FAILOVER} gap). The numbers of each
 * phase go to the test's output.
 */
class MasterReplicaGroupsUnderLoadIT {

	@RegisterExtension
	static final RedisMasterReplicaExtension servers = RedisMasterReplicaExtension.create();

	@Test
	void everyAcknowledgedWriteIsHandledOrInAReportedGapAcrossAPromotionUnderLoad() throws Exception {
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(GroupApplication.class)
			.web(WebApplicationType.NONE)
			.run("--spring.data.redis.masterreplica.nodes=" + String.join(",", servers.masterReplica().seedNodes()),
					"--keyspace-notifications.topology-refresh-interval=500ms",
					"--keyspace-notifications.groups.lease-time=2s",
					"--keyspace-notifications.groups.claim-timeout=5s")) {
			Recorder recorder = context.getBean(Recorder.class);
			MasterReplicaKeyspaceNotifications notifications = (MasterReplicaKeyspaceNotifications) context
				.getBean(KeyspaceNotifications.class);
			RedisServer oldMaster = servers.masterReplica().master();
			RedisServer newMaster = servers.masterReplica().replica();
			// The group forwards before the load starts: what it handles from then on is under test.
			await().atMost(Duration.ofSeconds(20)).until(() -> {
				try (Jedis jedis = oldMaster.jedis()) {
					jedis.set(PromotionUnderLoad.KEYS + "warm-up", "v");
				}
				return recorder.handled(PromotionUnderLoad.KEYS + "warm-up");
			});

			try (MasterFollowingWriter writer = new MasterFollowingWriter(PromotionUnderLoad.KEYS, 1_500,
					() -> masterOf(servers.masterReplica().nodes()), 100)) {
				PromotionUnderLoad.promoteUnderLoad("Promotion of", writer, recorder, notifications::serverSubscriptions,
						oldMaster, newMaster, servers.masterReplica()::promoteReplica, servers.masterReplica()::master);
			}
		}
	}

	/**
	 * The node whose {@code ROLE} is master, as a client of such a setup finds it; while two
	 * say so (between the two steps of the promotion), the one with replicas, else the first.
	 */
	private static String masterOf(List<RedisServer> nodes) {
		String found = null;
		for (RedisServer node : nodes) {
			try (Jedis jedis = node.jedis()) {
				List<Object> role = jedis.role();
				if ("master".equals(text(role.get(0)))) {
					if (!((List<?>) role.get(2)).isEmpty()) {
						return node.hostAndPort();
					}
					found = (found != null) ? found : node.hostAndPort();
				}
			}
			catch (RuntimeException ex) {
				// down: ask the next
			}
		}
		if (found == null) {
			throw new IllegalStateException("No node answers ROLE as master");
		}
		return found;
	}

	private static String text(Object value) {
		return (value instanceof byte[] bytes) ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(value);
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class GroupApplication {

		@Bean
		Recorder recorder() {
			return new Recorder();
		}

		/** Spring Data Redis's Jedis factory refuses master/replica (Lettuce would connect): not under test here. */
		@Bean
		RedisConnectionFactory redisConnectionFactory() {
			return mock(RedisConnectionFactory.class);
		}

	}

}
