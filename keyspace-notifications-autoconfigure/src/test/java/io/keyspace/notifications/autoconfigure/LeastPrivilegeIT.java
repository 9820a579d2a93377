package io.keyspace.notifications.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.keyspace.notifications.KeyNotification;
import io.keyspace.notifications.LogCapture;
import io.keyspace.notifications.annotation.OnKeyEvent;
import io.keyspace.notifications.testing.RedisServer;
import io.keyspace.notifications.testing.RedisServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The starter with the least-privileged Redis user that can read notifications, on database 1:
 * the subscriber sends no SELECT (the channel names the database) and the refused
 * {@code notify-keyspace-events} check costs one INFO line, nothing more.
 */
class LeastPrivilegeIT {

	@RegisterExtension
	static final RedisServerExtension redis = RedisServerExtension.of(RedisServer.builder()
		.config("notify-keyspace-events", "KEA")
		.config("user", "reader", "on", ">s3cret", "resetchannels", "&__key*", "-@all", "+subscribe", "+psubscribe",
				"+unsubscribe", "+punsubscribe", "+ping"));

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, KeyspaceNotificationsAutoConfiguration.class))
		.withPropertyValues("spring.data.redis.host=" + redis.server().host(),
				"spring.data.redis.port=" + redis.server().port(), "spring.data.redis.username=reader",
				"spring.data.redis.password=s3cret", "spring.data.redis.database=1");

	@Test
	void handlersOnTheApplicationsDatabaseReceiveEventsWithoutSelectOrConfig() {
		try (LogCapture everything = new LogCapture(Logger.ROOT_LOGGER_NAME, Level.INFO)) {
			this.runner.withUserConfiguration(HandlerConfiguration.class).run((context) -> {
				assertThat(context).hasNotFailed();
				try (Jedis writer = redis.server().jedis()) {
					writer.select(1);
					writer.set("order:1", "v");
				}
				Handler handler = context.getBean(Handler.class);
				await().atMost(Duration.ofSeconds(15)).until(() -> handler.received.contains("1 order:1 set"));
				await().atMost(Duration.ofSeconds(15))
					.until(() -> everything.messages(Level.INFO).stream().anyMatch((line) -> line.contains("NOPERM")));
			});
			assertThat(everything.messages(Level.WARN)).isEmpty();
			assertThat(everything.messages(Level.INFO).stream().filter((line) -> line.contains("NOPERM")))
				.singleElement()
				.asString()
				.contains("Cannot check notify-keyspace-events on " + redis.server().hostAndPort())
				.contains("config|get");
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class HandlerConfiguration {

		@Bean
		Handler handler() {
			return new Handler();
		}

	}

	static class Handler {

		final List<String> received = new CopyOnWriteArrayList<>();

		@OnKeyEvent(key = "order:1") // an exact key: &__key* allows SUBSCRIBE to it, a pattern would need its own rule
		void onOrder(KeyNotification notification) {
			this.received.add(notification.database() + " " + notification.key() + " " + notification.event());
		}

	}

}
