package io.keyspace.notifications.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.keyspace.notifications.KeyspaceNotifications;
import io.keyspace.notifications.RecordingHandler;
import io.keyspace.notifications.StandaloneKeyspaceNotifications;
import io.keyspace.notifications.annotation.OnKeyEvent;
import io.keyspace.notifications.channel.KeyspaceChannel;
import io.keyspace.notifications.listener.KeyspaceNotificationListenerContainer;
import io.keyspace.notifications.testing.RedisServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Stopping and starting handlers at run time, and auto-startup, on a real server: the
 * container only ever removes its own handlers, so application code subscribed to the same
 * channel keeps receiving.
 */
class HandlerLifecycleIT {

	@RegisterExtension
	static final RedisServerExtension redis = RedisServerExtension.withConfig("notify-keyspace-events", "KEA");

	private static final String CHANNEL = "__keyspace@0__:item:*";

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
				KeyspaceNotificationsAutoConfiguration.class))
		.withPropertyValues("spring.data.redis.host=" + redis.server().host(),
				"spring.data.redis.port=" + redis.server().port())
		.withBean(Handlers.class);

	private Jedis jedis;

	@BeforeEach
	void connect() {
		this.jedis = redis.server().jedis();
	}

	@AfterEach
	void disconnect() {
		this.jedis.close();
	}

	@Test
	void aStoppedHandlerHearsNothingWhileTheOtherHandlerAndApplicationCodeOnTheSameChannelDo() {
		this.runner.run((context) -> {
			Handlers handlers = context.getBean(Handlers.class);
			KeyspaceNotificationListenerContainer container = context.getBean(KeyspaceNotificationListenerContainer.class);
			RecordingHandler applicationCode = new RecordingHandler();
			context.getBean(KeyspaceNotifications.class).subscribe(applicationCode, new KeyspaceChannel("item:*"));

			container.stop("audit");
			this.jedis.set("item:1", "v");
			await().atMost(Duration.ofSeconds(15)).until(() -> handlers.cache.contains("item:1"));
			applicationCode.awaitNotification("item:1", "set");
			assertThat(handlers.audit).isEmpty();
			assertThat(container.isRunning("audit")).isFalse();

			container.start("audit");
			this.jedis.set("item:2", "v");
			await().atMost(Duration.ofSeconds(15)).until(() -> handlers.audit.contains("item:2"));

			container.stop();
			assertThat(serverSubscriptions(context)).as("application code's channel outlives the container")
				.contains(CHANNEL);
			this.jedis.set("item:3", "v");
			applicationCode.awaitNotification("item:3", "set");
			assertThat(handlers.cache).doesNotContain("item:3");
		});
	}

	@Test
	void withAutoStartupOffNothingIsSubscribedUntilTheContainerIsStarted() {
		this.runner.withPropertyValues("keyspace-notifications.auto-startup=false").run((context) -> {
			Handlers handlers = context.getBean(Handlers.class);
			KeyspaceNotificationListenerContainer container = context.getBean(KeyspaceNotificationListenerContainer.class);
			assertThat(container.isRunning()).isFalse();
			assertThat(serverSubscriptions(context)).isEmpty();

			container.start();
			this.jedis.set("item:4", "v");
			await().atMost(Duration.ofSeconds(15))
				.untilAsserted(() -> assertThat(handlers.cache).contains("item:4"));
		});
	}

	private static List<String> serverSubscriptions(org.springframework.context.ApplicationContext context) {
		StandaloneKeyspaceNotifications notifications = context.getBean(StandaloneKeyspaceNotifications.class);
		return notifications.serverSubscriptions().values().stream().flatMap((names) -> names.stream()).toList();
	}

	static class Handlers {

		final List<String> cache = new CopyOnWriteArrayList<>();

		final List<String> audit = new CopyOnWriteArrayList<>();

		@OnKeyEvent(key = "item:*")
		void cache(String key) {
			this.cache.add(key);
		}

		@OnKeyEvent(key = "item:*", id = "audit")
		void audit(String key) {
			this.audit.add(key);
		}

	}

}
