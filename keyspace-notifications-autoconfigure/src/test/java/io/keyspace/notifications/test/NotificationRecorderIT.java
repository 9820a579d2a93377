package io.keyspace.notifications.test;

import java.time.Duration;

import io.keyspace.notifications.KeyNotification;
import io.keyspace.notifications.KeyspaceNotifications;
import io.keyspace.notifications.autoconfigure.KeyspaceNotificationsAutoConfiguration;
import io.keyspace.notifications.channel.KeyspaceChannel;
import io.keyspace.notifications.testing.RedisServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** The documented way for an application's tests to assert on notifications (docs/testing.md). */
class NotificationRecorderIT {

	@RegisterExtension
	static final RedisServerExtension redis = RedisServerExtension.withConfig("notify-keyspace-events", "KEA");

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
				KeyspaceNotificationsAutoConfiguration.class))
		.withPropertyValues("spring.data.redis.host=" + redis.server().host(),
				"spring.data.redis.port=" + redis.server().port());

	@Test
	void aTestSubscribesARecorderOnTheApplicationsBeanAndAwaitsTheNotification() {
		this.runner.run((context) -> {
			NotificationRecorder recorder = new NotificationRecorder();
			context.getBean(KeyspaceNotifications.class).subscribe(recorder, new KeyspaceChannel("rec:*"));
			try (Jedis jedis = redis.server().jedis()) {
				jedis.set("rec:1", "v");
				jedis.del("rec:1");
			}
			KeyNotification deleted = recorder.awaitNotification("rec:1", "del", Duration.ofSeconds(5));
			assertThat(deleted.channel()).isEqualTo("__keyspace@0__:rec:1");
			assertThat(recorder.received()).extracting(KeyNotification::event).containsExactly("set", "del");

			recorder.clear();
			assertThatExceptionOfType(AssertionError.class)
				.isThrownBy(() -> recorder.awaitNotification("rec:1", "expired", Duration.ofMillis(200)))
				.withMessageContaining("event 'expired' on key 'rec:1'")
				.withMessageContaining("received nothing");
		});
	}

	@Test
	void aFailedWaitListsWhatArrivedInstead() {
		this.runner.run((context) -> {
			NotificationRecorder recorder = new NotificationRecorder();
			context.getBean(KeyspaceNotifications.class).subscribe(recorder, new KeyspaceChannel("other:*"));
			try (Jedis jedis = redis.server().jedis()) {
				jedis.set("other:2", "v");
			}
			recorder.awaitNotification("other:2", "set", Duration.ofSeconds(5));
			assertThatExceptionOfType(AssertionError.class)
				.isThrownBy(() -> recorder.awaitNotification("other:3", "set", Duration.ofMillis(100)))
				.withMessageContaining("received 1: [set other:2]");
		});
	}

}
