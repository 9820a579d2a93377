package io.keyspace.sample.status;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Map;

import io.keyspace.notifications.GapCause;
import io.keyspace.notifications.testing.RedisServerExtension;
import io.keyspace.sample.catalog.ProductCache;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.args.ClientType;
import redis.clients.jedis.params.ClientKillParams;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code GET /api/status} against a real redis-server that starts with notifications off, as
 * a user's own Redis often does: the page is told why nothing arrives, and stops saying so once
 * Redis publishes; a lost subscriber connection shows up as a gap, followed by a resync pass of
 * the cache's handler that keeps the cached products that still exist.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "sample.demo-writer.enabled=false", "sample.local-redis.enabled=false",
				"sample.delivery-check.timeout=1s" })
@DirtiesContext
class StatusIT {

	@RegisterExtension
	static final RedisServerExtension redis = RedisServerExtension.withConfig("notify-keyspace-events", "");

	@DynamicPropertySource
	static void redisProperties(DynamicPropertyRegistry registry) {
		redis.registerConnection(registry);
	}

	@LocalServerPort
	int port;

	@Autowired
	ProductCache cache;

	private RestClient http;

	@BeforeEach
	void setUp() {
		this.http = RestClient.create("http://127.0.0.1:" + this.port);
	}

	@Test
	void aRedisThatPublishesNothingIsReportedUntilItPublishes() {
		setFlags("");
		assertThat(status().problems()).singleElement()
			.asString()
			.contains("has notify-keyspace-events \"\", without \"KE$gx\"")
			.contains("Fix: redis-cli -p " + redis.server().port() + " config set notify-keyspace-events KEA");

		writeProduct("silent");
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(status().problems()).anySatisfy((problem) -> assertThat(problem)
				.startsWith("No notification arrived in the ")
				.contains("since this application wrote a product key")));

		setFlags("KEA");
		writeProduct("heard");
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(status().problems()).isEmpty());
	}

	@Test
	void showsTheSubscribedNodeAndALostConnectionAsAGapAndTheResyncAfterIt() {
		setFlags("KEA");
		writeProduct("mug");
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			this.cache.get("mug");
			assertThat(this.cache.contains("mug")).isTrue();
		});
		// The cache handler's pass when it started.
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(status().resync().completed()).isPositive());
		SampleStatus before = status();
		assertThat(before.resync().last()).satisfies((pass) -> {
			assertThat(pass.handler()).isEqualTo("product-cache");
			assertThat(pass.node()).isEqualTo(redis.server().hostAndPort());
		});
		assertThat(before.subscribed()).isTrue();
		assertThat(before.redis().address()).isEqualTo(redis.server().hostAndPort());
		assertThat(before.nodes()).singleElement().satisfies((node) -> {
			assertThat(node.address()).isEqualTo(redis.server().hostAndPort());
			assertThat(node.subscribed()).isTrue();
			assertThat(node.channels()).isPositive();
		});
		assertThat(before.counts().received()).isPositive();

		try (Jedis admin = redis.server().jedis()) {
			admin.clientKill(ClientKillParams.clientKillParams().type(ClientType.PUBSUB));
		}

		await().atMost(Duration.ofSeconds(15))
			.untilAsserted(() -> assertThat(status().gaps()).singleElement().satisfies((gap) -> {
				assertThat(gap.cause()).isEqualTo(GapCause.DISCONNECTED.name());
				assertThat(gap.node()).isEqualTo(redis.server().hostAndPort());
				assertThat(gap.end()).isAfterOrEqualTo(gap.start());
			}));
		assertThat(status().counts().disconnects()).isEqualTo(before.counts().disconnects() + 1);

		await().atMost(Duration.ofSeconds(15))
			.untilAsserted(() -> assertThat(status().resync().completed()).isGreaterThan(before.resync().completed()));
		SampleStatus after = status();
		assertThat(after.resync().keys()).as("product:mug at least").isGreaterThan(before.resync().keys());
		assertThat(after.resync().failed()).isZero();
		assertThat(after.resync().last()).satisfies((pass) -> {
			assertThat(pass.handler()).isEqualTo("product-cache");
			assertThat(pass.phase()).isEqualTo("COMPLETED");
			assertThat(pass.cause()).isEqualTo(GapCause.DISCONNECTED.name());
			assertThat(pass.node()).isEqualTo(redis.server().hostAndPort());
			assertThat(pass.keys()).isPositive();
			// The event's time is in milliseconds.
			assertThat(pass.at()).isAfterOrEqualTo(after.gaps().get(0).end().truncatedTo(ChronoUnit.MILLIS));
		});
		assertThat(this.cache.contains("mug")).as("still in Redis: kept by the resync").isTrue();
	}

	private SampleStatus status() {
		return this.http.get().uri("/api/status").retrieve().body(SampleStatus.class);
	}

	private void writeProduct(String id) {
		this.http.put()
			.uri("/api/products/{id}", id)
			.contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("name", id, "price", 1))
			.retrieve()
			.toBodilessEntity();
	}

	private static void setFlags(String flags) {
		try (Jedis admin = redis.server().jedis()) {
			admin.configSet("notify-keyspace-events", flags);
		}
	}

}
