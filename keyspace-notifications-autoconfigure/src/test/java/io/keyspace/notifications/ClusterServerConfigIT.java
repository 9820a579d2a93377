package io.keyspace.notifications;

import java.time.Duration;
import java.util.List;

import ch.qos.logback.classic.Level;
import io.keyspace.notifications.channel.KeyeventChannel;
import io.keyspace.notifications.internal.config.ServerConfigCheck;
import io.keyspace.notifications.testing.ClusterNode;
import io.keyspace.notifications.testing.LocalRedisCluster;
import io.keyspace.notifications.testing.RedisClusterExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

import static io.keyspace.notifications.IntegrationTestSettings.FAST_RECONNECT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code server-config} on a Redis Cluster whose nodes start with notifications off: each
 * primary is its own server, so each is checked (and set) on its own, new primaries included.
 * The last test adds a primary, so the tests are ordered.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterServerConfigIT {

	@RegisterExtension
	static final RedisClusterExtension redis = RedisClusterExtension.of(
			LocalRedisCluster.builder().replicasPerPrimary(0).config("notify-keyspace-events", ""));

	private static final Duration WAIT = Duration.ofSeconds(20);

	@BeforeEach
	void notificationsOff() {
		for (ClusterNode primary : redis.cluster().primaries()) {
			try (Jedis jedis = primary.jedis()) {
				jedis.configSet("notify-keyspace-events", "");
			}
		}
	}

	@Test
	@Order(1)
	void verifyWarnsOncePerPrimaryNamingIt() {
		try (LogCapture log = new LogCapture(ServerConfigCheck.class, Level.INFO);
				ClusterKeyspaceNotifications notifications = notifications(ServerConfigMode.VERIFY)) {
			notifications.subscribe(new RecordingHandler(), new KeyeventChannel(EventType.EXPIRED));
			List<ClusterNode> primaries = redis.cluster().primaries();
			await().atMost(WAIT).until(() -> log.messages(Level.WARN).size() >= primaries.size());
			notifications.refresh(); // re-reads the topology: no new node, no repeated warning

			assertThat(log.messages(Level.WARN)).hasSize(primaries.size())
				.allSatisfy((line) -> assertThat(line).contains("lacks 'xE'")
					.contains("CONFIG SET notify-keyspace-events 'xE'"));
			for (ClusterNode primary : primaries) {
				assertThat(log.messages(Level.WARN)).anySatisfy(
						(line) -> assertThat(line).contains("Redis at " + primary.hostAndPort() + " "));
				assertThat(notifyKeyspaceEvents(primary)).isEmpty();
			}
		}
	}

	@Test
	@Order(2)
	void applySetsEveryPrimaryAndEventsArriveFromAllOfThem() {
		try (ClusterKeyspaceNotifications notifications = notifications(ServerConfigMode.APPLY)) {
			RecordingHandler handler = new RecordingHandler();
			notifications.subscribe(handler, new KeyeventChannel(EventType.SET));
			for (ClusterNode primary : redis.cluster().primaries()) {
				await().atMost(WAIT).until(() -> notifyKeyspaceEvents(primary), "$E"::equals);
				String key = redis.cluster().keyOn(primary, "apply:");
				redis.cluster().set(key, "v");
				handler.awaitNotification(key, EventType.SET);
			}
		}
	}

	@Test
	@Order(3)
	void applySetsAPrimaryThatJoinsLater() {
		try (LogCapture log = new LogCapture(ServerConfigCheck.class, Level.INFO);
				ClusterKeyspaceNotifications notifications = notifications(ServerConfigMode.APPLY)) {
			RecordingHandler handler = new RecordingHandler();
			notifications.subscribe(handler, new KeyeventChannel(EventType.SET));
			ClusterNode first = redis.cluster().primaries().get(0);
			ClusterNode added = redis.cluster().addPrimary();
			assertThat(notifyKeyspaceEvents(added)).isEmpty();
			String key = redis.cluster().keyOn(first, "joined:");
			int slot = redis.cluster().slot(key);
			redis.cluster().moveSlots(first, added, slot, slot);
			notifications.refresh();

			await().atMost(WAIT).until(() -> notifyKeyspaceEvents(added), "$E"::equals);
			redis.cluster().set(key, "v");
			handler.awaitNotification(key, EventType.SET);
			assertThat(log.messages(Level.INFO))
				.anySatisfy((line) -> assertThat(line).contains(added.hostAndPort()).contains("from '' to '$E'"));
		}
	}

	private static ClusterKeyspaceNotifications notifications(ServerConfigMode mode) {
		List<RedisNode> seeds = redis.cluster().seedNodes().stream().map(RedisNode::parse).toList();
		return new ClusterKeyspaceNotifications(seeds, FAST_RECONNECT,
				NotificationOptions.builder().serverConfig(mode).build(), Duration.ofSeconds(1));
	}

	private static String notifyKeyspaceEvents(ClusterNode node) {
		try (Jedis jedis = node.jedis()) {
			return jedis.configGet("notify-keyspace-events").get("notify-keyspace-events");
		}
	}

}
