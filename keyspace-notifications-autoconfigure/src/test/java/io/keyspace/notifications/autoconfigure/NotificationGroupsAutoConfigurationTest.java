package io.keyspace.notifications.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import io.keyspace.notifications.GroupSettings;
import io.keyspace.notifications.NotificationGroups;
import io.keyspace.notifications.annotation.InvalidOnKeyEventException;
import io.keyspace.notifications.annotation.OnKeyEvent;
import io.keyspace.notifications.listener.KeyEventEndpoint;
import io.keyspace.notifications.listener.KeyspaceNotificationListenerContainer;
import io.keyspace.notifications.listener.NotificationGroupsGapEventPublisher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;

import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.mockito.Mockito.mock;

/**
 * The wiring of {@code @OnKeyEvent(group = ...)}: the properties, the lazy groups bean and its
 * Redis client, and the startup failures of group handlers. Nothing here connects: a group
 * handler is only registered (auto-startup off), and a standalone client connects on first use.
 */
class NotificationGroupsAutoConfigurationTest {

	private static final String GROUPS = "keyspace-notifications.groups.";

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(DataRedisAutoConfiguration.class, KeyspaceNotificationsAutoConfiguration.class))
		.withPropertyValues("spring.data.redis.host=redis.example", "spring.data.redis.port=6390");

	@Test
	void theGroupsAndTheirRedisClientAreLazyAndCreatedOnlyForAGroupHandler() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(GroupSettings.class).hasSingleBean(NotificationGroupsGapEventPublisher.class);
			assertThat(context.containsBeanDefinition("notificationGroups")).isTrue();
			assertThat(context.containsBeanDefinition(KeyspaceNotificationsAutoConfiguration.REDIS_BEAN_NAME)).isTrue();
			assertThat(context.getBeanFactory().containsSingleton("notificationGroups")).isFalse();
			assertThat(context.getBeanFactory().containsSingleton(KeyspaceNotificationsAutoConfiguration.REDIS_BEAN_NAME))
				.as("no Redis client nobody uses")
				.isFalse();
			assertThat(context.getBean(KeyspaceNotificationListenerContainer.class).supportsGroups()).isTrue();

			NotificationGroups groups = context.getBean(NotificationGroups.class);
			assertThat(context.getBean(KeyspaceNotificationsAutoConfiguration.REDIS_BEAN_NAME))
				.isInstanceOf(RedisClient.class);
			assertThat(groups.settings()).isSameAs(context.getBean(GroupSettings.class));
		});
	}

	@Test
	void theDefaultsAreTheCores() {
		this.runner.run((context) -> {
			GroupSettings settings = context.getBean(GroupSettings.class);
			GroupSettings defaults = GroupSettings.defaults();
			assertThat(settings.withConsumerName("x")).isEqualTo(defaults.withConsumerName("x"));
			assertThat(settings.consumerName()).as("generated, unique per instance")
				.isNotEqualTo(defaults.consumerName())
				.contains("@");
		});
	}

	@Test
	void everyPropertyIsBound() {
		this.runner
			.withPropertyValues(GROUPS + "stream-key-prefix=app:groups:", GROUPS + "max-length=5000",
					GROUPS + "lease-time=3s", GROUPS + "claim-timeout=1m", GROUPS + "max-deliveries=2",
					GROUPS + "batch-size=10", GROUPS + "consumer-name=pod-7")
			.run((context) -> assertThat(context.getBean(GroupSettings.class)).isEqualTo(new GroupSettings(
					"app:groups:", 5000, Duration.ofSeconds(3), Duration.ofMinutes(1), 2, 10, "pod-7")));
	}

	@Test
	void anEmptyConsumerNameMeansGenerated() {
		this.runner.withPropertyValues(GROUPS + "consumer-name=${HOSTNAME_NOT_SET:}")
			.run((context) -> assertThat(context.getBean(GroupSettings.class).consumerName()).contains("@"));
	}

	@ParameterizedTest(name = "{0}={1}")
	@CsvSource(delimiter = '|', value = { "stream-key-prefix|''|''|must not be empty",
			"max-length|0|0|must be at least 1, was 0", "lease-time|100ms|PT0.1S|must be at least 300ms",
			"claim-timeout|10ms|PT0.01S|must be at least 100ms", "max-deliveries|0|0|must be at least 1",
			"batch-size|-1|-1|must be at least 1" })
	void eachInvalidPropertyNamesItselfAndItsValue(String property, String value, String boundValue, String rule) {
		this.runner.withPropertyValues(GROUPS + property + "=" + value)
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOfSatisfying(InvalidConfigurationPropertyValueException.class, (ex) -> {
					assertThat(ex.getName()).isEqualTo(GROUPS + property);
					assertThat(String.valueOf(ex.getValue())).isEqualTo(boundValue);
					assertThat(ex.getReason()).startsWith(rule);
				}));
	}

	@Test
	void aRedisClientOfTheApplicationIsNotTakenForTheGroups() {
		this.runner.withBean("appRedis", UnifiedJedis.class, () -> new JedisPooled("elsewhere.example", 6379))
			.run((context) -> {
				assertThat(context).hasBean(KeyspaceNotificationsAutoConfiguration.REDIS_BEAN_NAME);
				assertThat(context.getBean(NotificationGroups.class)).isNotNull();
			});
	}

	@Test
	void aRedisClientNamedLikeOursReplacesIt() {
		RedisClient own = RedisClient.create("own.example", 6379);
		this.runner.withBean(KeyspaceNotificationsAutoConfiguration.REDIS_BEAN_NAME, UnifiedJedis.class, () -> own)
			.run((context) -> {
				context.getBean(NotificationGroups.class);
				assertThat(context.getBean(KeyspaceNotificationsAutoConfiguration.REDIS_BEAN_NAME)).isSameAs(own);
			});
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', value = {
			"spring.data.redis.sentinel.master=mymaster;spring.data.redis.sentinel.nodes=127.0.0.1:1|All sentinels down",
			"spring.data.redis.cluster.nodes=127.0.0.1:1|cluster slots",
			"spring.data.redis.masterreplica.nodes=127.0.0.1:1,127.0.0.1:2|None of spring.data.redis.masterreplica.nodes "
					+ "[127.0.0.1:1, 127.0.0.1:2] answered ROLE as a master" })
	void sentinelClusterAndMasterReplicaClientsConnectOnlyWhenTheGroupsAreNeeded(String setup, String failure) {
		// Spring's Jedis connection factory would connect to the sentinels, and refuses master/replica.
		this.runner.withBean(RedisConnectionFactory.class, () -> mock(RedisConnectionFactory.class))
			.withPropertyValues(setup.split(";"))
			.withPropertyValues("spring.data.redis.connect-timeout=200ms")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBeanFactory().containsSingleton(KeyspaceNotificationsAutoConfiguration.REDIS_BEAN_NAME))
					.isFalse();
				assertThatExceptionOfType(BeanCreationException.class)
					.isThrownBy(() -> context.getBean(NotificationGroups.class))
					.withStackTraceContaining(failure);
			});
	}

	@Test
	void theGroupAttributeResolvesPlaceholdersAndGoesToTheEndpoint() {
		this.runner.withUserConfiguration(BillingHandlers.class)
			.withPropertyValues("keyspace-notifications.auto-startup=false", "app.group=billing")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(KeyspaceNotificationListenerContainer.class).endpoints())
					.extracting(KeyEventEndpoint::group)
					.containsExactly("billing");
				assertThat(context.getBeanFactory().containsSingleton("notificationGroups"))
					.as("created when the container starts")
					.isFalse();
			});
	}

	@Test
	void twoHandlersInOneGroupFailStartupNamingBoth() {
		this.runner.withUserConfiguration(TwoBillingHandlers.class)
			.withPropertyValues("keyspace-notifications.auto-startup=false")
			.run((context) -> {
				Throwable failure = context.getStartupFailure();
				assertThat(failure).isInstanceOf(InvalidOnKeyEventException.class);
				FailureAnalysis analysis = new InvalidOnKeyEventFailureAnalyzer().analyze(failure);
				assertThat(analysis.getDescription()).contains("Invoices#")
					.contains("group 'billing' already has the handler Invoices#");
				assertThat(analysis.getAction()).startsWith("Give each handler its own group");
			});
	}

	@Test
	void twoAnnotationsOfOneMethodInOneGroupFailStartup() {
		this.runner.withUserConfiguration(RepeatedGroup.class)
			.withPropertyValues("keyspace-notifications.auto-startup=false")
			.run((context) -> assertThat(context).getFailure()
				.isInstanceOf(InvalidOnKeyEventException.class)
				.hasMessageContaining("Repeated#onKey: two of its @OnKeyEvent annotations have group 'billing'"));
	}

	@Test
	void aGroupHandlerOnAContainerWithoutGroupsFailsStartupNamingTheFix() {
		this.runner.withUserConfiguration(BillingHandlers.class, OwnContainer.class)
			.withPropertyValues("keyspace-notifications.auto-startup=false", "app.group=billing")
			.run((context) -> {
				Throwable failure = context.getStartupFailure();
				assertThat(failure).isInstanceOf(InvalidOnKeyEventException.class);
				FailureAnalysis analysis = new InvalidOnKeyEventFailureAnalyzer().analyze(failure);
				assertThat(analysis.getDescription()).contains("Billing#charge")
					.contains("it has group 'billing', but the listener container 'keyspaceNotificationListenerContainer' "
							+ "has no NotificationGroups to run it");
				assertThat(analysis.getAction()).contains("setNotificationGroups");
			});
	}

	@Test
	void theGroupPropertiesHaveMetadataWithTheirDefaults() throws IOException {
		String metadata;
		try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
			metadata = new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		assertThat(entry(metadata, "stream-key-prefix")).contains("\"defaultValue\": \"keyspace-notifications:group:\"");
		assertThat(entry(metadata, "max-length")).contains("\"defaultValue\": 100000");
		assertThat(entry(metadata, "lease-time")).contains("\"defaultValue\": \"10s\"");
		assertThat(entry(metadata, "claim-timeout")).contains("\"defaultValue\": \"30s\"");
		assertThat(entry(metadata, "max-deliveries")).contains("\"defaultValue\": 5");
		assertThat(entry(metadata, "batch-size")).contains("\"defaultValue\": 100");
		assertThat(entry(metadata, "consumer-name")).contains("\"description\"").doesNotContain("defaultValue");
	}

	private static String entry(String metadata, String property) {
		String name = "\"name\": \"" + GROUPS + property + "\"";
		assertThat(metadata).contains(name);
		String entry = metadata.substring(metadata.indexOf(name));
		return entry.substring(0, entry.indexOf('}'));
	}

	@Configuration(proxyBeanMethods = false)
	static class BillingHandlers {

		@Bean
		Billing billing() {
			return new Billing();
		}

	}

	static class Billing {

		@OnKeyEvent(key = "invoice:*", event = "expired", group = "${app.group}")
		void charge(String key) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class TwoBillingHandlers {

		@Bean
		Invoices invoices() {
			return new Invoices();
		}

	}

	static class Invoices {

		@OnKeyEvent(key = "invoice:*", event = "expired", group = "billing")
		void charge(String key) {
		}

		@OnKeyEvent(key = "refund:*", event = "expired", group = "billing")
		void refund(String key) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class RepeatedGroup {

		@Bean
		Repeated repeated() {
			return new Repeated();
		}

	}

	static class Repeated {

		@OnKeyEvent(key = "a:*", group = "billing")
		@OnKeyEvent(key = "b:*", group = "billing")
		void onKey(String key) {
		}

	}

	/** A container of the application's own, not told where groups run. */
	@Configuration(proxyBeanMethods = false)
	static class OwnContainer {

		@Bean
		KeyspaceNotificationListenerContainer keyspaceNotificationListenerContainer(
				io.keyspace.notifications.KeyspaceNotifications notifications) {
			return new KeyspaceNotificationListenerContainer(notifications);
		}

	}

}
