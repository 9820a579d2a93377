package io.keyspace.notifications.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import io.keyspace.notifications.EventType;
import io.keyspace.notifications.KeyNotification;
import io.keyspace.notifications.KeyspaceNotifications;
import io.keyspace.notifications.annotation.InvalidOnKeyEventException;
import io.keyspace.notifications.annotation.OnKeyEvent;
import io.keyspace.notifications.listener.KeyspaceNotificationListenerContainer;
import io.keyspace.notifications.listener.KeyspaceResyncEvent;
import io.keyspace.notifications.listener.KeyspaceResyncEvent.Phase;
import io.keyspace.notifications.testing.RedisServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol.Command;
import redis.clients.jedis.Response;
import redis.clients.jedis.Transaction;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.event.EventListener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code @OnKeyEvent(resync = true)} and {@link KeyspaceResyncEvent} in a Spring application, against a real redis-server. */
class OnKeyEventResyncIT {

	@RegisterExtension
	static final RedisServerExtension redis = RedisServerExtension.withConfig("notify-keyspace-events", "KEA");

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, KeyspaceNotificationsAutoConfiguration.class))
		.withPropertyValues("spring.data.redis.host=" + redis.server().host(),
				"spring.data.redis.port=" + redis.server().port(), "keyspace-notifications.key-prefix=app:",
				"keyspace-notifications.reconnect.max-backoff=200ms");

	private Jedis jedis;

	@BeforeEach
	void connect() {
		this.jedis = redis.server().jedis();
		this.jedis.flushAll();
	}

	@AfterEach
	void disconnect() {
		this.jedis.close();
	}

	@Test
	void keysPresentAtStartupAreHandledAsResyncBetweenStartedAndCompletedEvents() {
		this.jedis.set("app:acc:1", "v");
		this.jedis.set("app:acc:2", "v");
		this.jedis.set("app:other:1", "v");
		this.jedis.set("acc:3", "v"); // outside the key prefix
		this.runner.withBean(Mirror.class).run((context) -> {
			Mirror mirror = context.getBean(Mirror.class);
			await().atMost(Duration.ofSeconds(10)).until(() -> mirror.events.size() == 2);
			assertThat(mirror.keys()).containsExactly("acc:1", "acc:2");
			KeyspaceResyncEvent started = mirror.events.get(0);
			KeyspaceResyncEvent completed = mirror.events.get(1);
			assertThat(started.phase()).isEqualTo(Phase.STARTED);
			assertThat(completed.phase()).isEqualTo(Phase.COMPLETED);
			assertThat(completed.endpointId()).isEqualTo("Mirror#onAccount");
			assertThat(completed.node()).isEqualTo(redis.server().hostAndPort());
			assertThat(completed.covers("acc:9")).isTrue();
			assertThat(completed.covers("other:1")).isFalse();
			assertThat(completed.keys()).isEqualTo(2);
			assertThat(completed.cause()).isEmpty();
			assertThat(mirror.calls).containsExactlyInAnyOrder("acc:1 resync", "acc:2 resync");
			assertThat(context.getBean(KeyspaceNotificationListenerContainer.class).status("Mirror#onAccount").resync())
				.isTrue();
		});
	}

	@Test
	void aKeyDeletedWhileTheSubscriberWasDisconnectedIsDroppedByTheNextPass() {
		this.jedis.set("app:acc:1", "v");
		this.jedis.set("app:acc:2", "v");
		this.runner.withBean(Mirror.class).run((context) -> {
			Mirror mirror = context.getBean(Mirror.class);
			await().atMost(Duration.ofSeconds(10)).until(() -> mirror.completed() == 1);
			KeyspaceNotifications notifications = context.getBean(KeyspaceNotifications.class);
			// What the subscriber misses while its connection is down must not stay in the view. In
			// one transaction Redis frees the killed connection before it runs the writes, so their
			// notifications are lost however fast the reader reconnects.
			try (Jedis admin = redis.server().jedis()) {
				Transaction transaction = admin.multi();
				Response<Object> killed = transaction.sendCommand(Command.CLIENT, "KILL", "TYPE", "pubsub");
				transaction.del("app:acc:1");
				transaction.set("app:acc:3", "v");
				transaction.exec();
				assertThat((Long) killed.get()).isPositive();
			}
			await().atMost(Duration.ofSeconds(10)).until(() -> mirror.completed() == 2);
			assertThat(mirror.events.get(2).phase()).isEqualTo(Phase.STARTED);
			assertThat(mirror.events.get(3).cause()).isPresent();
			await().atMost(Duration.ofSeconds(10)).until(() -> mirror.keys().equals(Set.of("acc:2", "acc:3")));
			assertThat(notifications.metrics().resync().completed()).isEqualTo(2);
			assertThat(mirror.calls).as("the writes were not delivered live").doesNotContain("acc:1 del", "acc:3 set");
		});
	}

	@Test
	void aResyncHandlerWithoutAKeyFailsStartupNamingTheMethod() {
		this.runner.withBean(EventOnlyResync.class)
			.run((context) -> assertThat(context).getFailure()
				.isInstanceOf(InvalidOnKeyEventException.class)
				.hasMessageContaining("EventOnlyResync#onExpired")
				.hasMessageContaining("resync = true needs keys to scan"));
	}

	/** The mirror pattern of the docs, on Spring events. */
	static class Mirror {

		final Set<String> keys = ConcurrentHashMap.newKeySet();

		final Set<String> unseen = ConcurrentHashMap.newKeySet();

		final List<KeyspaceResyncEvent> events = new CopyOnWriteArrayList<>();

		final List<String> calls = new CopyOnWriteArrayList<>();

		@OnKeyEvent(key = "acc:*", event = { "set", "del" }, resync = true)
		void onAccount(KeyNotification notification) {
			this.calls.add(notification.key() + " " + notification.event());
			this.unseen.remove(notification.key());
			if (EventType.DEL.equals(notification.event())) {
				this.keys.remove(notification.key());
			}
			else {
				this.keys.add(notification.key());
			}
		}

		@EventListener
		void onResync(KeyspaceResyncEvent event) {
			if (event.phase() == Phase.STARTED) {
				this.keys.stream().filter(event::covers).forEach(this.unseen::add);
			}
			else {
				this.unseen.stream().filter(event::covers).forEach((key) -> {
					this.keys.remove(key);
					this.unseen.remove(key);
				});
			}
			this.events.add(event);
		}

		Set<String> keys() {
			return new TreeSet<>(this.keys);
		}

		long completed() {
			return this.events.stream().filter((event) -> event.phase() == Phase.COMPLETED).count();
		}

	}

	static class EventOnlyResync {

		@OnKeyEvent(event = "expired", resync = true)
		void onExpired(String key) {
		}

	}

}
