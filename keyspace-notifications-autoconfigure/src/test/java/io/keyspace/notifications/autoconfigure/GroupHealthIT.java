package io.keyspace.notifications.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import io.keyspace.notifications.GroupSettings;
import io.keyspace.notifications.NotificationGroups;
import io.keyspace.notifications.annotation.OnKeyEvent;
import io.keyspace.notifications.listener.KeyspaceNotificationListenerContainer;
import io.keyspace.notifications.testing.RedisServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code groups} detail of the {@code keyspaceNotifications} health in two application
 * contexts, two "instances" of one application against a real redis-server: the lease holder
 * of a group names the node it forwards and the other none; entries a blocked handler holds
 * are pending on both, and none once it returns; entries that keep failing are counted in the
 * dead-letter stream; a paused handler shows so; an idle group leaves the health UP; and a
 * Redis that does not answer is reported in the group, not by a failing health check.
 */
class GroupHealthIT {

	@RegisterExtension
	static final RedisServerExtension redis = RedisServerExtension.withConfig("notify-keyspace-events", "KEA");

	private static final String STREAM_KEY_PREFIX = GroupSettings.defaults().streamKeyPrefix();

	private final List<ConfigurableApplicationContext> instances = new ArrayList<>();

	@BeforeEach
	void flush() {
		redis.flushAll();
	}

	@AfterEach
	void closeInstances() {
		this.instances.forEach((instance) -> instance.getBean(Jobs.class).release.countDown()); // else close waits
		this.instances.forEach(ConfigurableApplicationContext::close);
	}

	@Test
	void theLeaseHolderNamesTheNodeItForwardsTheOtherNoneAndAnIdleGroupIsUp() {
		ConfigurableApplicationContext first = start();
		ConfigurableApplicationContext second = start();
		String node = redis.server().hostAndPort();

		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
				List.of(group(first, "idle").get("sourcesLed"), group(second, "idle").get("sourcesLed")))
			.as("one instance forwards the node")
			.containsExactlyInAnyOrder(List.of(node), List.of()));
		for (ConfigurableApplicationContext instance : List.of(first, second)) {
			Health health = health(instance);
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(group(instance, "idle")).containsEntry("handler", "Jobs#idle")
				.containsEntry("paused", false)
				.containsEntry("pending", 0L)
				.containsEntry("deadLettered", 0L)
				.containsEntry("lastForward", null)
				.doesNotContainKey("error");
		}
	}

	@Test
	void entriesABlockedHandlerHoldsArePendingOnEveryInstanceUntilItReturns() {
		List<ConfigurableApplicationContext> both = twoInstancesForwarding("slow");

		set("job:slow:1");

		for (ConfigurableApplicationContext instance : both) {
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat((long) group(instance, "slow").get("pending")).isGreaterThanOrEqualTo(1));
			assertThat(health(instance).getDetails().toString()).as("no key names")
				.doesNotContain(STREAM_KEY_PREFIX, "job:");
		}
		// The entry can be delivered before the forwarder has the append's reply: awaited.
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			assertThat(both).anySatisfy((instance) -> assertThat(group(instance, "slow").get("lastForward")).isNotNull());
			assertThat(both).allSatisfy((instance) -> assertThat(group(instance, "slow").get("lastForward") != null)
				.as("set by the instance that forwarded")
				.isEqualTo(groups(instance).metrics("slow").forwarded() > 0));
		});
		both.forEach((instance) -> instance.getBean(Jobs.class).release.countDown());
		for (ConfigurableApplicationContext instance : both) {
			await().atMost(Duration.ofSeconds(10)).until(() -> group(instance, "slow").get("pending").equals(0L));
			assertThat(health(instance).getStatus()).isEqualTo(Status.UP);
		}
	}

	@Test
	void entriesThatFailMaxDeliveriesTimesAreCountedInTheDeadLetterStream() {
		List<ConfigurableApplicationContext> both = twoInstancesForwarding("poison");

		set("job:poison:1");
		set("job:poison:2");

		for (ConfigurableApplicationContext instance : both) {
			await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(group(instance, "poison"))
				.containsEntry("deadLettered", 2L)
				.containsEntry("pending", 0L));
			assertThat(health(instance).getStatus()).isEqualTo(Status.UP);
		}
	}

	@Test
	void aHandlerStoppedByIdShowsPausedUntilStartedAgain() {
		ConfigurableApplicationContext instance = start();
		KeyspaceNotificationListenerContainer container = instance.getBean(KeyspaceNotificationListenerContainer.class);

		container.stop("Jobs#idle");
		assertThat(group(instance, "idle")).containsEntry("paused", true);
		assertThat(health(instance).getStatus()).isEqualTo(Status.UP);
		container.start("Jobs#idle");
		assertThat(group(instance, "idle")).containsEntry("paused", false);
	}

	@Test
	void aRedisThatDoesNotAnswerIsReportedInEachGroup() {
		ConfigurableApplicationContext instance = start();
		redis.server().kill();
		try {
			Map<String, Object> idle = group(instance, "idle");
			assertThat(idle).containsEntry("pending", -1L).containsEntry("deadLettered", -1L);
			assertThat((String) idle.get("error")).startsWith("JedisConnectionException")
				.doesNotContain(STREAM_KEY_PREFIX);
			assertThat(health(instance).getDetails()).as("the nodes as usual").containsKey("nodes");
		}
		finally {
			redis.server().start();
		}
	}

	private ConfigurableApplicationContext start() {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(JobApplication.class)
			.web(WebApplicationType.NONE)
			.run("--spring.data.redis.host=" + redis.server().host(), "--spring.data.redis.port=" + redis.server().port(),
					"--keyspace-notifications.groups.lease-time=2s", "--keyspace-notifications.groups.claim-timeout=500ms",
					"--keyspace-notifications.groups.max-deliveries=2");
		this.instances.add(context);
		return context;
	}

	/** Two instances, once one holds the group's lease: what is written next is forwarded. */
	private List<ConfigurableApplicationContext> twoInstancesForwarding(String group) {
		List<ConfigurableApplicationContext> both = List.of(start(), start());
		await().atMost(Duration.ofSeconds(10)).until(() -> both.stream()
			.anyMatch((instance) -> !((List<?>) group(instance, group).get("sourcesLed")).isEmpty()));
		return both;
	}

	private static void set(String key) {
		try (Jedis jedis = redis.server().jedis()) {
			jedis.set(key, "v");
		}
	}

	private static Health health(ConfigurableApplicationContext instance) {
		return instance.getBean("keyspaceNotificationsHealthIndicator", HealthIndicator.class).health();
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> group(ConfigurableApplicationContext instance, String group) {
		Map<String, Object> groups = (Map<String, Object>) health(instance).getDetails().get("groups");
		assertThat(groups).as("the groups detail").isNotNull();
		return (Map<String, Object>) groups.get(group);
	}

	private static NotificationGroups groups(ConfigurableApplicationContext instance) {
		return instance.getBean(NotificationGroups.class);
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class JobApplication {

		@Bean
		Jobs jobs() {
			return new Jobs();
		}

	}

	/** One group that never has work, one whose handler blocks until released, one whose handler always fails. */
	static class Jobs {

		final CountDownLatch release = new CountDownLatch(1);

		@OnKeyEvent(key = "job:idle:*", event = "set", group = "idle")
		void idle(String key) {
		}

		@OnKeyEvent(key = "job:slow:*", event = "set", group = "slow")
		void slow(String key) {
			try {
				this.release.await();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

		@OnKeyEvent(key = "job:poison:*", event = "set", group = "poison")
		void poison(String key) {
			throw new IllegalStateException("cannot handle " + key);
		}

	}

}
