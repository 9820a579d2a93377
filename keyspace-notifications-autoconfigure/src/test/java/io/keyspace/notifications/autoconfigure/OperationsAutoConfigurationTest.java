package io.keyspace.notifications.autoconfigure;

import java.nio.charset.StandardCharsets;

import io.keyspace.notifications.HandlerObserver;
import io.keyspace.notifications.KeyNotification;
import io.keyspace.notifications.StandaloneKeyspaceNotifications;
import io.keyspace.notifications.actuate.KeyNotificationObservationContext;
import io.keyspace.notifications.actuate.KeyNotificationObservationConvention;
import io.keyspace.notifications.actuate.KeyspaceNotificationsHealthIndicator;
import io.keyspace.notifications.actuate.KeyspaceNotificationsMeterBinder;
import io.keyspace.notifications.actuate.MeterHandlerObserver;
import io.keyspace.notifications.listener.NamedHandler;
import io.micrometer.common.KeyValues;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static io.micrometer.observation.tck.TestObservationRegistryAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/** The health contributor and the meters appear only when the application has what they need. */
class OperationsAutoConfigurationTest {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
				KeyspaceNotificationsAutoConfiguration.class, KeyspaceNotificationsHealthAutoConfiguration.class,
				KeyspaceNotificationsMetricsAutoConfiguration.class))
		.withPropertyValues("spring.data.redis.host=redis.example", "spring.data.redis.port=6390");

	@Test
	void theHealthContributorExistsOnlyWithSpringBootHealth() {
		this.runner.run((context) -> assertThat(context).hasSingleBean(KeyspaceNotificationsHealthIndicator.class)
			.hasBean("keyspaceNotificationsHealthIndicator"));
		this.runner.withClassLoader(new FilteredClassLoader(HealthIndicator.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(KeyspaceNotificationsHealthIndicator.class));
		this.runner.withPropertyValues("management.health.keyspacenotifications.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(KeyspaceNotificationsHealthIndicator.class));
	}

	/** The groups bean is lazy, created with the first group handler: looking must not create it. */
	@Test
	void aHealthCheckWithoutGroupHandlersHasNoGroupsAndCreatesNoGroupsBean() {
		this.runner.run((context) -> {
			HealthIndicator health = context.getBean("keyspaceNotificationsHealthIndicator", HealthIndicator.class);
			assertThat(health.health().getDetails()).containsKey("nodes").doesNotContainKey("groups");
			assertThat(context.getBeanFactory().containsSingleton("notificationGroups")).isFalse();
		});
	}

	@Test
	void metersAndTheHandlerObserverExistOnlyWithAMeterRegistry() {
		this.runner.run((context) -> {
			assertThat(context).doesNotHaveBean(KeyspaceNotificationsMeterBinder.class);
			assertThat(context.getBean(StandaloneKeyspaceNotifications.class).options().handlerObserver())
				.isSameAs(HandlerObserver.NONE);
		});
		this.runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new).run((context) -> {
			assertThat(context).hasSingleBean(KeyspaceNotificationsMeterBinder.class);
			assertThat(context.getBean(StandaloneKeyspaceNotifications.class).options().handlerObserver())
				.isInstanceOf(MeterHandlerObserver.class);
		});
		this.runner.withClassLoader(new FilteredClassLoader(MeterRegistry.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(KeyspaceNotificationsMeterBinder.class));
	}

	@Test
	void aUserCustomizerAdjustsTheOptions() {
		HandlerObserver mine = new HandlerObserver() {
		};
		this.runner.withBean(KeyspaceNotificationsOptionsCustomizer.class, () -> (options) -> options.handlerObserver(mine))
			.run((context) -> assertThat(
					context.getBean(StandaloneKeyspaceNotifications.class).options().handlerObserver())
				.isSameAs(mine));
	}

	@Test
	void aConventionBeanNamesAndTagsTheHandlerObservation() {
		TestObservationRegistry observations = TestObservationRegistry.create();
		this.runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.withBean(ObservationRegistry.class, () -> observations)
			.withBean(KeyNotificationObservationConvention.class, HandlerOnlyConvention::new)
			.run((context) -> {
				context.getBean(StandaloneKeyspaceNotifications.class).options().handlerObserver()
					.call(new NamedHandler("Cards#changed", (n) -> {
					}), KeyNotification.parse("__keyspace@0__:card:1".getBytes(StandardCharsets.UTF_8),
							"set".getBytes(StandardCharsets.UTF_8), null).orElseThrow());
				assertThat(observations).hasSingleObservationThat()
					.hasNameEqualTo("cards.keyspace")
					.hasOnlyKeys("handler")
					.hasLowCardinalityKeyValue("handler", "Cards#changed");
			});
	}

	static class HandlerOnlyConvention implements KeyNotificationObservationConvention {

		@Override
		public String getName() {
			return "cards.keyspace";
		}

		@Override
		public KeyValues getLowCardinalityKeyValues(KeyNotificationObservationContext context) {
			return KeyValues.of("handler", context.getHandlerName());
		}

	}

}
