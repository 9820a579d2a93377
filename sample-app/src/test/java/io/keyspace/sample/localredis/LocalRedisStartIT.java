package io.keyspace.sample.localredis;

import java.time.Duration;

import io.keyspace.sample.SampleApplication;
import io.keyspace.sample.feed.FeedEntry;
import io.keyspace.sample.feed.NotificationFeed;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.embedded.RedisExecProvider;
import redis.embedded.RedisServer;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What {@code ./mvnw -pl sample-app -am spring-boot:run} relies on: with no Redis configured
 * the application starts its own redis-server with notifications on, and stops it when it
 * shuts down; with one configured it starts nothing.
 */
class LocalRedisStartIT {

	@Test
	void startsALocalRedisWhenNoneIsConfiguredAndStopsItWithTheApplication() {
		RedisServer server;
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(SampleApplication.class)
			.run("--server.port=0", "--sample.demo-writer.enabled=false")) {
			server = context.getBean(LocalRedisEnvironmentPostProcessor.BEAN_NAME, RedisServer.class);
			assertThat(server.isActive()).isTrue();
			int port = server.ports().get(0);
			assertThat(context.getEnvironment().getProperty("spring.data.redis.port", Integer.class)).isEqualTo(port);

			try (Jedis jedis = new Jedis(LocalRedis.HOST, port)) {
				assertThat(jedis.configGet("notify-keyspace-events").get("notify-keyspace-events")).contains("K", "E", "A");
				jedis.set("product:probe", "{}");
			}
			NotificationFeed feed = context.getBean(NotificationFeed.class);
			await().atMost(Duration.ofSeconds(10))
				.until(() -> feed.recent().stream().map(FeedEntry::key).anyMatch("product:probe"::equals));
		}
		assertThat(server.isActive()).isFalse();
	}

	@Test
	void withoutABinaryOnThePathTheEmbeddedOneRuns() {
		RedisServer server = LocalRedis.start(null);
		try (Jedis jedis = new Jedis(LocalRedis.HOST, server.ports().get(0))) {
			assertThat(jedis.info("server")).contains("redis_version:" + RedisExecProvider.redisVersion);
			assertThat(jedis.configGet("notify-keyspace-events").get("notify-keyspace-events")).contains("K", "E", "A");
		}
		finally {
			server.stop();
		}
		assertThat(server.isActive()).isFalse();
	}

	@Test
	void startsNothingWhenRedisIsConfigured() {
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(SampleApplication.class)
			.run("--server.port=0", "--sample.demo-writer.enabled=false", "--spring.data.redis.host=127.0.0.1",
					"--spring.data.redis.port=1", "--keyspace-notifications.enabled=false")) {
			assertThat(context.containsBean(LocalRedisEnvironmentPostProcessor.BEAN_NAME)).isFalse();
		}
	}

}
