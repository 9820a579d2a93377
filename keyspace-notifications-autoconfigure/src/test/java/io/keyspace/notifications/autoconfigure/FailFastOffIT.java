package io.keyspace.notifications.autoconfigure;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import ch.qos.logback.classic.Level;
import io.keyspace.notifications.LogCapture;
import io.keyspace.notifications.annotation.OnKeyEvent;
import io.keyspace.notifications.internal.reader.NodeSubscriber;
import io.keyspace.notifications.testing.RedisServer;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** With keyspace-notifications.fail-fast=false an application starts without Redis and catches up. */
class FailFastOffIT {

	@Test
	void startsWithoutRedisWarnsNamingItIsDownAndSubscribesOnceRedisAnswers() throws IOException {
		int port = freePort();
		ApplicationContextRunner runner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
					KeyspaceNotificationsAutoConfiguration.class, KeyspaceNotificationsHealthAutoConfiguration.class))
			.withUserConfiguration(Handler.class)
			.withPropertyValues("spring.data.redis.host=127.0.0.1", "spring.data.redis.port=" + port,
					"keyspace-notifications.fail-fast=false", "keyspace-notifications.reconnect.max-backoff=300ms");
		try (LogCapture log = new LogCapture(NodeSubscriber.class, Level.WARN)) {
			runner.run((context) -> {
				assertThat(context).hasNotFailed();
				HealthIndicator health = context.getBean("keyspaceNotificationsHealthIndicator", HealthIndicator.class);
				assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);
				// The reader logs it on its own thread, once, however many retries follow.
				await().untilAsserted(() -> assertThat(log.messages(Level.WARN)).singleElement()
					.asString()
					.contains("127.0.0.1:" + port));

				try (RedisServer redis = RedisServer.builder()
					.port(port)
					.config("notify-keyspace-events", "KEA")
					.start(); Jedis jedis = redis.jedis()) {
					await().atMost(Duration.ofSeconds(10)).until(() -> health.health().getStatus().equals(Status.UP));
					jedis.set("late:1", "v");
					await().atMost(Duration.ofSeconds(5)).until(() -> context.getBean(Handler.class).keys.contains("late:1"));
				}
			});
		}
	}

	@Test
	void failFastStaysTheDefault() throws IOException {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
					KeyspaceNotificationsAutoConfiguration.class))
			.withUserConfiguration(Handler.class)
			.withPropertyValues("spring.data.redis.host=127.0.0.1", "spring.data.redis.port=" + freePort())
			.run((context) -> assertThat(context).hasFailed());
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	static class Handler {

		final List<String> keys = new CopyOnWriteArrayList<>();

		@OnKeyEvent(key = "late:*", event = "set")
		void onSet(String key) {
			this.keys.add(key);
		}

	}

}
