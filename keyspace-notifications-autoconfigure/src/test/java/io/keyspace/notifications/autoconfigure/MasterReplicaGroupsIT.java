package io.keyspace.notifications.autoconfigure;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.keyspace.notifications.KeyspaceNotifications;
import io.keyspace.notifications.MasterReplicaKeyspaceNotifications;
import io.keyspace.notifications.RedisNode;
import io.keyspace.notifications.annotation.OnKeyEvent;
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
 * A group handler on a master/replica setup without Sentinel, against real servers: after the
 * replica is promoted the way an operator does it ({@code REPLICAOF NO ONE}, then the old master
 * {@code REPLICAOF} the new one), the groups' streams and leases follow the new master, and what
 * is written there is handled.
 */
class MasterReplicaGroupsIT {

	@RegisterExtension
	static final RedisMasterReplicaExtension servers = RedisMasterReplicaExtension.create();

	@Test
	void aGroupHandlerFollowsAPromotion() {
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(GroupApplication.class)
			.web(WebApplicationType.NONE)
			.run("--spring.data.redis.masterreplica.nodes=" + String.join(",", servers.masterReplica().seedNodes()),
					"--keyspace-notifications.topology-refresh-interval=500ms",
					"--keyspace-notifications.groups.lease-time=1s", "--keyspace-notifications.groups.claim-timeout=1s")) {
			Handled handled = context.getBean(Handled.class);
			MasterReplicaKeyspaceNotifications notifications = (MasterReplicaKeyspaceNotifications) context
				.getBean(KeyspaceNotifications.class);
			await().atMost(Duration.ofSeconds(20)).until(() -> {
				set(servers.masterReplica().master(), "mr:before");
				return handled.keys.contains("mr:before");
			});

			RedisServer promoted = servers.masterReplica().promoteReplica();
			RedisNode newMaster = new RedisNode(promoted.host(), promoted.port());
			// Writes the new master takes before its subscriptions are confirmed are a gap of the
			// notifications (not of the groups), so write once the server confirmed them.
			await().atMost(Duration.ofSeconds(20))
				.until(() -> notifications.master().equals(Optional.of(newMaster))
						&& !notifications.serverSubscriptions().getOrDefault(newMaster, Set.of()).isEmpty()
						&& notifications.isSubscribed());
			for (int i = 0; i < 20; i++) {
				set(promoted, "mr:after:" + i);
			}

			await().atMost(Duration.ofSeconds(30)).until(() -> {
				for (int i = 0; i < 20; i++) {
					if (!handled.keys.contains("mr:after:" + i)) {
						return false;
					}
				}
				return true;
			});
		}
	}

	private static void set(RedisServer server, String key) {
		try (Jedis jedis = server.jedis()) {
			jedis.set(key, "v");
		}
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class GroupApplication {

		@Bean
		Handled handled() {
			return new Handled();
		}

		/** Spring Data Redis's Jedis factory refuses master/replica (Lettuce would connect): not under test here. */
		@Bean
		RedisConnectionFactory redisConnectionFactory() {
			return mock(RedisConnectionFactory.class);
		}

	}

	static class Handled {

		final Set<String> keys = ConcurrentHashMap.newKeySet();

		@OnKeyEvent(key = "mr:*", event = "set", group = "mr")
		void handle(String key) {
			this.keys.add(key);
		}

	}

}
