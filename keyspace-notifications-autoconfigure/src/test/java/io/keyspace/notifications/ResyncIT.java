package io.keyspace.notifications;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import io.keyspace.notifications.channel.KeyeventChannel;
import io.keyspace.notifications.channel.KeyspaceChannel;
import io.keyspace.notifications.testing.KeyMirror;
import io.keyspace.notifications.testing.PacedWriter;
import io.keyspace.notifications.testing.RedisServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.args.ClientType;
import redis.clients.jedis.params.ClientKillParams;

import static io.keyspace.notifications.IntegrationTestSettings.FAST_RECONNECT;
import static io.keyspace.notifications.IntegrationTestSettings.IN_ORDER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/** Resync passes against a real redis-server: a handler's view converges after any gap. */
class ResyncIT {

	@RegisterExtension
	static final RedisServerExtension redis = RedisServerExtension.withConfig("notify-keyspace-events", "KEA");

	private StandaloneKeyspaceNotifications notifications;

	private Jedis jedis;

	@BeforeEach
	void open() {
		this.jedis = redis.server().jedis();
		this.jedis.flushAll();
		this.notifications = new StandaloneKeyspaceNotifications(
				new RedisNode(redis.server().host(), redis.server().port()), FAST_RECONNECT, IN_ORDER);
	}

	@AfterEach
	void close() {
		this.notifications.close();
		this.jedis.close();
	}

	@Test
	void keysPresentBeforeSubscribingAreDeliveredAsResyncBetweenStartedAndCompleted() {
		for (int i = 0; i < 50; i++) {
			this.jedis.set("acc:" + i, "v");
		}
		this.jedis.set("other:1", "v");
		KeyMirror mirror = new KeyMirror();
		this.notifications.subscribeResynced(mirror, mirror, new KeyspaceChannel("acc:*"));

		await().atMost(Duration.ofSeconds(10)).until(() -> mirror.completedPasses().size() == 1);
		assertThat(mirror.keys()).hasSize(50).allMatch((key) -> key.startsWith("acc:"));
		String node = redis.server().hostAndPort();
		assertThat(mirror.phases()).containsExactly("started " + node, "completed " + node);
		assertThat(mirror.resyncs()).allSatisfy((notification) -> {
			assertThat(notification.event()).isEqualTo(EventType.RESYNC);
			assertThat(notification.node()).isEqualTo(node);
			assertThat(notification.type()).isEqualTo(ChannelType.KEYSPACE);
		});
		ResyncPass pass = mirror.completedPasses().get(0);
		assertThat(pass.keys()).isEqualTo(50);
		assertThat(pass.cause()).isEmpty();
		assertThat(pass.covers("acc:7")).isTrue();
		assertThat(pass.covers("other:1")).isFalse();
		assertThat(this.notifications.metrics().resync().completed()).isEqualTo(1);
		assertThat(this.notifications.metrics().resync().keys()).isEqualTo(50);
	}

	@Test
	void aResyncNotificationReachesAHandlerWhateverItsEventFilter() {
		this.jedis.set("acc:1", "v");
		KeyMirror mirror = new KeyMirror();
		this.notifications.subscribeResynced(new FilteredHandler(KeyNotificationFilter.keys("acc:*"), mirror), mirror,
				new KeyeventChannel("del"));

		await().atMost(Duration.ofSeconds(10)).until(() -> mirror.completedPasses().size() == 1);
		assertThat(mirror.keys()).containsExactly("acc:1");
	}

	@Test
	void aKeyeventHandlerWithoutKeysCannotResync() {
		KeyMirror mirror = new KeyMirror();
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.notifications.subscribeResynced(mirror, mirror, new KeyeventChannel("set")))
			.withMessageContaining("__keyevent@0__:set names no key");
		assertThat(this.notifications.hasSubscriptions()).isFalse();
	}

	@Test
	void aLiveDeleteAfterTheScanWinsOverTheResyncOfItsKey() {
		for (int i = 0; i < 2000; i++) {
			this.jedis.set("acc:" + i, "v");
		}
		KeyMirror mirror = new KeyMirror();
		this.notifications.subscribeResynced(mirror, mirror, new KeyspaceChannel("acc:*"));
		for (int i = 0; i < 2000; i += 2) {
			this.jedis.del("acc:" + i); // while the pass runs: the live del must win, whatever the order
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> mirror.completedPasses().size() == 1);
		await().atMost(Duration.ofSeconds(10)).until(() -> mirror.keys().equals(redisKeys()));
		assertThat(mirror.keys()).hasSize(1000);
	}

	/**
	 * The convergence test: 24,000 SET/DEL at about 2,000/s on 500 keys while the
	 * subscriber's connection is killed every 0.75 s; afterwards the mirror holds exactly Redis's keys.
	 */
	@Test
	void aMirrorConvergesToRedisAfterRepeatedDisconnectsUnderLoad() throws Exception {
		KeyMirror mirror = new KeyMirror();
		List<NotificationGap> gaps = new CopyOnWriteArrayList<>();
		this.notifications.addGapListener(gaps::add);
		this.notifications.subscribeResynced(mirror, mirror, new KeyspaceChannel("acc:*"));
		Random random = new Random(20);
		AtomicInteger kills = new AtomicInteger();
		try (PacedWriter writer = new PacedWriter("writer", 2000, redis.server()::jedis, (jedis, i) -> {
			String key = "acc:" + random.nextInt(500);
			if (random.nextBoolean()) {
				jedis.set(key, "v" + i);
			}
			else {
				jedis.del(key);
			}
			return key;
		}); Jedis admin = redis.server().jedis()) {
			while (writer.written().size() < 24_000) {
				LockSupport.parkNanos(Duration.ofMillis(750).toNanos()); // the pace of the kills
				if (admin.clientKill(ClientKillParams.clientKillParams().type(ClientType.PUBSUB)) > 0) {
					kills.incrementAndGet();
				}
			}
		}
		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(mirror.keys()).isEqualTo(redisKeys()));
		assertThat(kills.get()).isGreaterThanOrEqualTo(10);
		assertThat(gaps).hasSizeGreaterThanOrEqualTo(10);
		assertThat(this.notifications.metrics().resync().completed()).isGreaterThan(1);
		NotificationMetrics metrics = this.notifications.metrics();
		await().atMost(Duration.ofSeconds(10)).until(() -> metrics.inFlight() == 0);
		assertThat(metrics.received()).as("every notification, live or resync, has one outcome: %s", metrics)
			.isEqualTo(metrics.delivered() + metrics.filtered() + metrics.malformed() + metrics.dropped());
		assertThat(metrics.delivered()).isGreaterThanOrEqualTo(metrics.resync().keys());
	}

	private Set<String> redisKeys() {
		return new TreeSet<>(this.jedis.keys("acc:*"));
	}

}
