package io.keyspace.sample;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.keyspace.notifications.GapCause;
import io.keyspace.notifications.KeyspaceNotifications;
import io.keyspace.notifications.NotificationGap;
import io.keyspace.notifications.SentinelKeyspaceNotifications;
import io.keyspace.notifications.listener.NotificationGapEvent;
import io.keyspace.notifications.testing.RedisSentinelExtension;
import io.keyspace.notifications.testing.RedisServer;
import io.keyspace.sample.catalog.Product;
import io.keyspace.sample.catalog.ProductCache;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample with its {@code sentinel} profile against a real master, replica and three
 * sentinels: only properties change (the sentinels' address), no local redis-server starts,
 * and the cache keeps following writes across a {@code SENTINEL FAILOVER}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "sample.demo-writer.enabled=false")
@ActiveProfiles("sentinel")
@DirtiesContext
class SentinelProfileIT {

	@RegisterExtension
	static final RedisSentinelExtension redis = RedisSentinelExtension.create();

	@DynamicPropertySource
	static void sentinelProperties(DynamicPropertyRegistry registry) {
		redis.registerConnection(registry);
	}

	@Autowired
	KeyspaceNotifications notifications;

	@Autowired
	ProductCache cache;

	@Autowired
	JsonMapper json;

	@Autowired
	GapEvents gaps;

	@Autowired
	ConfigurableEnvironment environment;

	@Test
	void theCacheFollowsWritesOnTheMasterTheSentinelsNameAcrossAFailover() {
		RedisServer master = redis.setup().master();
		assertThat(this.environment.getPropertySources().contains("localRedisServer"))
			.as("the local redis-server was started").isFalse();
		assertThat(this.notifications).isInstanceOf(SentinelKeyspaceNotifications.class);
		assertThat(((SentinelKeyspaceNotifications) this.notifications).master())
			.hasValueSatisfying((node) -> assertThat(node.toString()).isEqualTo(master.hostAndPort()));
		writeAndAwaitReload(master, "teapot", "Teapot");

		RedisServer promoted = redis.setup().failover();

		writeAndAwaitReload(promoted, "teapot", "Teapot, after the failover");
		// The replica was subscribed ahead of its promotion; Sentinel closed that connection as it
		// promoted it, and the moments until it was subscribed again are the failover's gap.
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(this.gaps.received).anySatisfy((gap) -> {
			assertThat(gap.node()).isEqualTo(promoted.hostAndPort());
			assertThat(gap.cause()).isEqualTo(GapCause.FAILOVER);
		}));
	}

	/**
	 * Caches the product, then changes it on {@code master} behind the application's back:
	 * only a keyspace notification can tell the cache.
	 */
	private void writeAndAwaitReload(RedisServer master, String id, String name) {
		write(master, id, name + " (old)");
		await().atMost(Duration.ofSeconds(10)).until(() -> this.cache.get(id)
			.product()
			.filter((product) -> product.name().equals(name + " (old)"))
			.isPresent());
		write(master, id, name);
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(this.cache.peek(id))
			.hasValueSatisfying((product) -> assertThat(product.name()).isEqualTo(name)));
	}

	private void write(RedisServer master, String id, String name) {
		try (Jedis jedis = master.jedis()) {
			jedis.set("product:" + id, this.json.writeValueAsString(new Product(id, name, BigDecimal.ONE, Instant.now())));
		}
	}

	@TestConfiguration
	static class GapEventsConfiguration {

		@Bean
		GapEvents gapEvents() {
			return new GapEvents();
		}

	}

	static class GapEvents {

		final List<NotificationGap> received = new CopyOnWriteArrayList<>();

		@EventListener
		void on(NotificationGapEvent event) {
			this.received.add(event.gap());
		}

	}

}
