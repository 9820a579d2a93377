package io.keyspace.notifications.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.keyspace.notifications.GapCause;
import io.keyspace.notifications.KeyspaceNotifications;
import io.keyspace.notifications.NodeStatus;
import io.keyspace.notifications.NotificationGap;
import io.keyspace.notifications.NotificationGroups;
import io.keyspace.notifications.actuate.KeyspaceNotificationsEndpoint;
import io.keyspace.notifications.actuate.KeyspaceNotificationsEndpoint.Handler;
import io.keyspace.notifications.annotation.OnKeyEvent;
import io.keyspace.notifications.listener.NotificationGapEvent;
import io.keyspace.notifications.testing.RedisServerExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The {@code keyspacenotifications} endpoint on an application against a real redis-server:
 * what it lists, and stopping and starting a handler and a group handler by id.
 */
class KeyspaceNotificationsEndpointIT {

	@RegisterExtension
	static final RedisServerExtension redis = RedisServerExtension.withConfig("notify-keyspace-events", "KEA");

	private static ConfigurableApplicationContext context;

	private static Handlers handlers;

	private static KeyspaceNotificationsEndpoint endpoint;

	@BeforeAll
	static void start() {
		redis.flushAll();
		context = new SpringApplicationBuilder(EndpointApplication.class).web(WebApplicationType.NONE)
			.run("--spring.data.redis.host=" + redis.server().host(), "--spring.data.redis.port=" + redis.server().port(),
					"--management.endpoints.web.exposure.include=keyspacenotifications",
					"--keyspace-notifications.groups.lease-time=1s", "--keyspace-notifications.groups.claim-timeout=1s");
		handlers = context.getBean(Handlers.class);
		endpoint = context.getBean(KeyspaceNotificationsEndpoint.class);
		await().atMost(Duration.ofSeconds(10)).until(context.getBean(KeyspaceNotifications.class)::isSubscribed);
	}

	@AfterAll
	static void stop() {
		if (context != null) {
			context.close();
		}
	}

	@Test
	void listsEveryHandlerWithItsChannelsFiltersGroupAndCountsAndEveryNode() {
		set("ep:plain:1");
		set("fail:1");
		await().atMost(Duration.ofSeconds(10)).until(() -> handler("plain").delivered() >= 1 && handler("failing").failed() >= 1);

		KeyspaceNotificationsEndpoint.Report report = endpoint.report();
		assertThat(report.handlers()).extracting(Handler::id)
			.containsExactlyInAnyOrder("plain", "witness", "failing", "grouped");
		Handler plain = handler("plain");
		assertThat(plain.container()).isEqualTo("keyspaceNotificationListenerContainer");
		assertThat(plain.channels()).containsExactly("__keyspace@0__:ep:plain:*");
		assertThat(plain.events()).containsExactly("set");
		assertThat(plain.group()).isEmpty();
		assertThat(plain.running()).isTrue();
		assertThat(plain.resync()).isFalse();
		assertThat(handler("failing").delivered()).isZero();
		assertThat(handler("grouped").group()).isEqualTo("ep-group");
		assertThat(report.nodes()).singleElement().satisfies((node) -> {
			assertThat(node.node()).isEqualTo(redis.server().hostAndPort());
			assertThat(node.state()).isEqualTo(NodeStatus.State.SUBSCRIBED);
		});
		assertThat(report.counters()).containsKeys("received", "delivered", "dropped", "inFlight", "resync");
		// The only instance takes the node's lease within the lease time.
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(endpoint.report().groups())
			.singleElement()
			.satisfies((group) -> {
				assertThat(group.group()).isEqualTo("ep-group");
				assertThat(group.sourcesLed()).containsExactly(redis.server().hostAndPort());
				assertThat(group.deadLettered()).isZero();
				assertThat(group.error()).isNull();
			}));
		assertThat(endpoint.handler("nobody")).isNull();
	}

	@Test
	void aStoppedHandlerGetsNothingUntilStartedAgain() {
		set("ep:plain:before");
		await().atMost(Duration.ofSeconds(10)).until(() -> handlers.plain.get() >= 1);

		List<Handler> stopped = endpoint.running("plain", false);
		assertThat(stopped).singleElement().extracting(Handler::running).isEqualTo(false);
		int callsWhenStopped = handlers.plain.get();
		set("ep:plain:while-stopped");
		// The witness shares the channel and the key's lane: once it has the notification, so would "plain".
		await().atMost(Duration.ofSeconds(10)).until(() -> handlers.witnessKeys.contains("ep:plain:while-stopped"));
		assertThat(handlers.plain.get()).isEqualTo(callsWhenStopped);

		assertThat(endpoint.running("plain", true)).singleElement().extracting(Handler::running).isEqualTo(true);
		set("ep:plain:after");
		await().atMost(Duration.ofSeconds(10)).until(() -> handlers.plainKeys.contains("ep:plain:after"));
		assertThat(handlers.plainKeys).doesNotContain("ep:plain:while-stopped");
	}

	@Test
	void aStoppedGroupHandlerLeavesItsEntriesInTheStreamAndHandlesThemWhenStarted() {
		await().atMost(Duration.ofSeconds(20)).until(() -> {
			set("ep:grp:probe");
			return handlers.grouped.get() >= 1;
		});
		endpoint.running("grouped", false);
		int callsWhenStopped = handlers.grouped.get();
		NotificationGroups groups = context.getBean(NotificationGroups.class);
		long forwardedBefore = groups.metrics("ep-group").forwarded();
		for (int i = 0; i < 5; i++) {
			set("ep:grp:" + i);
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> groups.metrics("ep-group").forwarded() >= forwardedBefore + 5);
		assertThat(handlers.grouped.get()).isEqualTo(callsWhenStopped);
		assertThat(handler("grouped").running()).isFalse();

		endpoint.running("grouped", true);
		await().atMost(Duration.ofSeconds(20)).until(() -> handlers.grouped.get() >= callsWhenStopped + 5);
		assertThat(handler("grouped").running()).isTrue();
	}

	@Test
	void anUnknownIdIsABadRequestNamingIt() {
		assertThatExceptionOfType(InvalidEndpointRequestException.class)
			.isThrownBy(() -> endpoint.running("nobody", false))
			.withMessageContaining("'nobody'");
	}

	@Test
	void keepsTheRecentGaps() {
		context.publishEvent(new NotificationGapEvent(context.getBean(KeyspaceNotifications.class),
				new NotificationGap("n:1", GapCause.DISCONNECTED, Instant.now(), Instant.now(), Set.of(), 0)));
		assertThat(endpoint.report().gaps()).extracting((gap) -> gap.node()).contains("n:1");
	}

	private static Handler handler(String id) {
		return endpoint.handler(id).get(0);
	}

	private static void set(String key) {
		try (Jedis jedis = redis.server().jedis()) {
			jedis.set(key, "v");
		}
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class EndpointApplication {

		@Bean
		Handlers handlers() {
			return new Handlers();
		}

	}

	static class Handlers {

		final AtomicInteger plain = new AtomicInteger();

		final List<String> plainKeys = new CopyOnWriteArrayList<>();

		final AtomicInteger grouped = new AtomicInteger();

		final List<String> witnessKeys = new CopyOnWriteArrayList<>();

		@OnKeyEvent(id = "plain", key = "ep:plain:*", event = "set")
		void plain(String key) {
			this.plain.incrementAndGet();
			this.plainKeys.add(key);
		}

		@OnKeyEvent(id = "witness", key = "ep:plain:*", event = "set")
		void witness(String key) {
			this.witnessKeys.add(key);
		}

		@OnKeyEvent(id = "failing", key = "fail:*", event = "set")
		void failing() {
			throw new IllegalStateException("expected by the test");
		}

		@OnKeyEvent(id = "grouped", key = "ep:grp:*", event = "set", group = "ep-group")
		void grouped() {
			this.grouped.incrementAndGet();
		}

	}

}
